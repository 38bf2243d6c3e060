package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.support.RandomJson;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.JsonRefusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A client's message is read in one pass that keeps its text ({@link ClientMessage}) and the function gets that
 * text with the session's {@code _meta} written in ({@link SessionMeta}): the reader must accept and refuse what
 * the whole-body tree reader ({@link JsonMapper#readWhole}) does, and the function must read the same message it
 * read when the gateway wrote the tree anew.
 */
class ClientMessageProperties {
    private static final int DEPTH = 8;
    private static final ObjectMapper MAPPER = JsonMapper.forRequestBodies(DEPTH);

    @Property(tries = 2000)
    void readsAndRefusesAsTheTreeReaderDoes(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] body = message(random);
        RandomJson.damageNowAndThen(body, random);
        String shown = new String(body, StandardCharsets.ISO_8859_1);
        Object tree = outcome(() -> JsonMapper.readWhole(MAPPER, body));
        Object read = outcome(() -> ClientMessage.read(MAPPER, body));
        if (tree instanceof JsonRefusal refusal) {
            assertThat(read).as(shown).isEqualTo(refusal);
            return;
        }
        assertThat(read).as(shown).isInstanceOf(ClientMessage.class);
        ClientMessage message = (ClientMessage) read;
        assertThat(message.json()).as(shown).isEqualTo(tree);
        if (message.text() == null) {
            return;
        }
        assertThat(message.text()).isSameAs(body);
        assertThat(body[0]).isEqualTo((byte) '{');
        JsonNode params = ((JsonNode) tree).get("params");
        if (params != null && params.isObject()) {
            assertThat(valueAt(body, message.paramsAt())).as(shown).isEqualTo(params);
        } else {
            assertThat(message.paramsAt()).isEqualTo(-1);
        }
    }

    @Property(tries = 2000)
    void theFunctionReadsTheMessageTheTreeWouldHaveSent(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] body = message(random);
        ClientMessage message;
        try {
            message = ClientMessage.read(MAPPER, body);
        } catch (JsonProcessingException refused) {
            return;
        }
        if (!message.json().isObject()) {
            return;
        }
        McpSession session = session(random);
        byte[] sent = SessionMeta.body(message, session);
        byte[] written = Json.bytes(SessionMeta.stamp(message.json(), session));
        String shown = new String(body, StandardCharsets.UTF_8);
        // a tree written anew may change a number's form (-2.5e1 becomes -25, an integer): equal in value
        assertThat(MAPPER.readTree(sent).equals(SAME_NUMBER, MAPPER.readTree(written)))
                .as(shown)
                .isTrue();
        JsonNode params = message.json().get("params");
        if (message.text() != null && (params == null || params.isObject() && !params.has("_meta"))) {
            // written into the client's text: the message itself, to the last digit
            assertThat(MAPPER.readTree(sent)).as(shown).isEqualTo(SessionMeta.stamp(message.json(), session));
        }
    }

    private static final java.util.Comparator<JsonNode> SAME_NUMBER = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    @Example
    void aMessageWithoutAnythingToAddGoesAsTheClientWroteIt() throws IOException {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"n\":1.50}}"
                .getBytes(StandardCharsets.UTF_8);
        ClientMessage message = ClientMessage.read(MAPPER, body);
        McpSession plain = session(null, null, "2025-11-25");

        assertThat(SessionMeta.body(message, plain)).isSameAs(body);
        assertThat(SessionMeta.body(message, null)).isSameAs(body);
    }

    @Example
    void aSessionsMetaIsEncodedOnceAndANewRecordIsEncodedAgain() throws IOException {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ClientMessage message = ClientMessage.read(MAPPER, body);
        McpSession session = session("info", null, "2025-11-25");

        byte[] first = SessionMeta.body(message, session);
        byte[] again = SessionMeta.body(message, session);
        // logging/setLevel stores a new record: its requests carry the new level, not the old record's encoding
        byte[] leveled = SessionMeta.body(message, session.withLogLevel("error"));

        assertThat(again).isEqualTo(first);
        assertThat(MAPPER.readTree(first)
                        .at("/params/_meta")
                        .get(McpMeta.LOG_LEVEL)
                        .asText())
                .isEqualTo("info");
        assertThat(MAPPER.readTree(leveled)
                        .at("/params/_meta")
                        .get(McpMeta.LOG_LEVEL)
                        .asText())
                .isEqualTo("error");
        assertThat(MAPPER.readTree(leveled).at("/params/name").asText()).isEqualTo("t");
    }

    @Example
    void aRequestWithoutParamsGetsThemWithTheMeta() throws IOException {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        ClientMessage message = ClientMessage.read(MAPPER, body);

        byte[] sent = SessionMeta.body(message, session("debug", null, "2025-11-25"));

        assertThat(new String(sent, StandardCharsets.UTF_8))
                .isEqualTo("{\"params\":{\"_meta\":{\"" + McpMeta.LOG_LEVEL + "\":\"debug\",\""
                        + McpMeta.CLIENT_CAPABILITIES + "\":{}}},\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    }

    @Example
    void textThatCannotGoAsItIsIsNotKept() throws IOException {
        String[] bodies = {
            " {\"id\":1}", // a space before: the text no longer starts the object
            "[{\"id\":1}]", // a batch
        };
        for (String body : bodies) {
            ClientMessage message = ClientMessage.read(MAPPER, body.getBytes(StandardCharsets.UTF_8));
            assertThat(message.text()).as(body).isNull();
        }
        for (String body : new String[] {"{\"id\":1} {\"id\":2}", "{\"id\":1}]"}) {
            // a second value, or anything else after the message, which a tree reader alone would ignore
            assertThat(outcome(() -> ClientMessage.read(MAPPER, body.getBytes(StandardCharsets.UTF_8))))
                    .as(body)
                    .isEqualTo(JsonRefusal.INVALID);
        }
        ClientMessage escaped =
                ClientMessage.read(MAPPER, "{\"id\":1,\"par\\u0061ms\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8));
        assertThat(escaped.json().has("params")).isTrue();
        assertThat(escaped.text()).as("a key the scan cannot find by its bytes").isNull();
        // {"s":"\\","params":{"a":"}"}}: the string before ends in an escaped backslash, the one inside holds a brace
        ClientMessage quoted = ClientMessage.read(
                MAPPER, "{\"s\":\"\\\\\",\"params\":{\"a\":\"}\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(quoted.paramsAt()).isEqualTo(19);
        assertThat(quoted.text()).isNotNull();
        assertThat(ClientMessage.read(MAPPER, "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8))
                        .text())
                .as("whitespace after the object is nothing")
                .isNotNull();
    }

    /** @return the refusal, or what was read */
    private static Object outcome(Reading read) {
        try {
            return read.read();
        } catch (JsonProcessingException e) {
            return JsonRefusal.of(e);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private interface Reading {
        Object read() throws IOException;
    }

    /** @return the value whose first token is at {@code offset} */
    private static JsonNode valueAt(byte[] text, int offset) {
        try (JsonParser parser = MAPPER.createParser(text, offset, text.length - offset)) {
            return MAPPER.readTree(parser);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static McpSession session(Random random) throws IOException {
        String[] levels = {null, "debug"};
        String[] capabilities = {null, "{}", "{\"sampling\":{},\"elicitation\":{\"form\":{}}}"};
        String[] versions = {"2025-06-18", McpVersions.MODERN};
        String chosen = capabilities[random.nextInt(capabilities.length)];
        return session(
                levels[random.nextInt(2)],
                chosen == null ? null : Json.MAPPER.readTree(chosen),
                versions[random.nextInt(2)]);
    }

    private static McpSession session(String level, JsonNode capabilities, String backendVersion) throws IOException {
        return new McpSession(
                "s",
                "tools",
                "2025-11-25",
                Json.MAPPER.readTree("{\"name\":\"c\",\"version\":\"1\"}"),
                capabilities,
                null,
                backendVersion,
                level,
                Instant.now(),
                Identity.ANONYMOUS);
    }

    // ---- generated messages: requests whose params take every shape, spaced at random ----

    private static byte[] message(Random random) {
        StringBuilder out = new StringBuilder();
        if (random.nextInt(20) == 0) {
            RandomJson.value(out, random, 0, DEPTH); // a batch, a number: not always an object
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (random.nextInt(20) == 0) {
            out.append(' ');
        }
        String[] fixed = {"\"jsonrpc\":\"2.0\"", "\"id\":" + random.nextInt(100), "\"method\":\"tools/call\"", null};
        int paramsAt = random.nextInt(fixed.length);
        java.util.List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i < fixed.length; i++) {
            String member = i == paramsAt ? params(random) : fixed[i];
            if (member != null) {
                members.add(member);
            }
        }
        RandomJson.object(out, random, members);
        switch (random.nextInt(20)) {
            case 0 -> out.append(" \n");
            case 1 -> out.append(" {}");
            case 2 -> out.append("x");
            default -> {}
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return a params member, or null for none */
    private static String params(Random random) {
        switch (random.nextInt(6)) {
            case 0 -> {
                return null;
            }
            case 1 -> {
                return RandomJson.member("params", random, 0, DEPTH);
            }
            case 2 -> {
                return "\"params\":{}";
            }
            default -> {
                java.util.List<String> members = new java.util.ArrayList<>();
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    String name = random.nextInt(4) == 0 ? "_meta" : "k" + i;
                    members.add(
                            name.equals("_meta") && random.nextBoolean()
                                    ? "\"_meta\":{\"" + McpMeta.CLIENT_CAPABILITIES + "\":{\"roots\":{}}}"
                                    : RandomJson.member(name, random, 1, DEPTH));
                }
                StringBuilder out = new StringBuilder("\"params\"");
                RandomJson.space(out, random);
                out.append(':');
                RandomJson.space(out, random);
                RandomJson.object(out, random, members);
                return out.toString();
            }
        }
    }
}
