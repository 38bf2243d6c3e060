package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.support.RandomJson;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link Json#readObject(Optional, java.util.function.Supplier, int, String)} keeps one field's value as the
 * client's bytes: it must accept and refuse exactly what the tree reader does, with the same error code, and the
 * kept bytes must be the value, byte for byte as sent.
 */
class JsonVerbatimFieldProperties {
    private static final int DEPTH = 8;

    @Property(tries = 2000)
    void acceptsAndRefusesAsTheTreeDoes(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] body = body(random);
        RandomJson.damageNowAndThen(body, random);
        Object tree = outcome(() -> Json.readObject(Optional.empty(), () -> body, DEPTH));
        Object kept = outcome(() -> Json.readObject(Optional.empty(), () -> body, DEPTH, "payload"));
        if (tree instanceof String treeCode) {
            assertThat(kept).as(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(treeCode);
            return;
        }
        assertThat(kept).as(new String(body, StandardCharsets.ISO_8859_1)).isInstanceOf(Json.ObjectWithVerbatim.class);
        ObjectNode whole = (ObjectNode) tree;
        Json.ObjectWithVerbatim split = (Json.ObjectWithVerbatim) kept;
        ObjectNode others = whole.deepCopy();
        JsonNode payload = others.remove("payload");
        assertThat(split.fields()).isEqualTo(others);
        if (payload == null) {
            assertThat(split.verbatim()).isNull();
        } else {
            assertThat(tree(split.verbatim())).isEqualTo(payload);
        }
    }

    @Example
    void theKeptValueIsTheClientsBytes() {
        String[] values = {
            "42",
            "-1.5e3",
            "0.1000000000000000000000001",
            "1.50",
            "\"h\\u00e9 \\\"q\\\"\"",
            "\"héllo\"",
            "true",
            "null",
            "[ ]",
            "{ \"a\" : [1, {\"b\": null}] }",
            "123456789012345678901234567890"
        };
        for (String value : values) {
            for (String body : new String[] {
                "{\"payload\":" + value + "}",
                "{ \"payload\" :\n " + value + " \n}",
                "{\"payload\":" + value + ",\"client_id\":\"c\"}",
                "{\"async\":false , \"payload\" : " + value + "\t,\"timeout\":5}"
            }) {
                Json.ObjectWithVerbatim split = Json.readObject(
                        Optional.of("application/json"), () -> body.getBytes(StandardCharsets.UTF_8), DEPTH, "payload");
                assertThat(new String(split.verbatim(), StandardCharsets.UTF_8))
                        .as(body)
                        .isEqualTo(value);
                assertThat(split.fields().has("payload")).isFalse();
            }
        }
    }

    @Example
    void aByteOrderMarkDoesNotShiftTheKeptBytes() {
        byte[] json = "{\"a\":1, \"payload\" : {\"x\":[1,2]} }".getBytes(StandardCharsets.UTF_8);
        byte[] marked = new byte[json.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(json, 0, marked, 3, json.length);
        Json.ObjectWithVerbatim split = Json.readObject(Optional.empty(), () -> marked, DEPTH, "payload");
        assertThat(new String(split.verbatim(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":[1,2]}");
        assertThat(split.fields().get("a").asInt()).isEqualTo(1);
    }

    @Example
    void limitsInsideTheKeptValueAreRefusedWithTheirCodes() {
        assertThat(code("{\"payload\":" + "[".repeat(DEPTH + 1) + "]".repeat(DEPTH + 1) + "}"))
                .isEqualTo("JSON_TOO_DEEP");
        assertThat(code("{\"payload\":{\"a\":1,\"a\":2}}")).isEqualTo("JSON_DUPLICATE_KEY");
        assertThat(code("{\"payload\":1,\"payload\":2}")).isEqualTo("JSON_DUPLICATE_KEY");
        assertThat(code("{\"payload\":" + "1".repeat(1001) + "}")).isEqualTo("JSON_NUMBER_TOO_LONG");
        assertThat(code("{\"payload\":[1,2}")).isEqualTo("INVALID_JSON");
        assertThat(code("[1]")).isEqualTo("INVALID_JSON");
        byte[] notUtf8 = "{\"payload\":\"a?b\"}".getBytes(StandardCharsets.ISO_8859_1);
        notUtf8[13] = (byte) 0xC3; // a lead byte followed by an ASCII one
        ApiException e = catchThrowableOfType(
                ApiException.class, () -> Json.readObject(Optional.empty(), () -> notUtf8, DEPTH, "payload"));
        assertThat(e.code()).isEqualTo("INVALID_JSON");
    }

    private static String code(String body) {
        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> Json.readObject(Optional.empty(), () -> body.getBytes(StandardCharsets.UTF_8), DEPTH, "payload"));
        assertThat(e).as(body).isNotNull();
        return e.code();
    }

    /** @return the value read, or the refusal's code */
    private static Object outcome(java.util.function.Supplier<Object> read) {
        try {
            return read.get();
        } catch (ApiException e) {
            return e.code();
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- generated bodies: objects with a payload of any shape, spaced at random ----

    private static byte[] body(Random random) {
        StringBuilder out = new StringBuilder();
        if (random.nextInt(20) == 0) {
            RandomJson.value(out, random, 0, DEPTH); // not always an object
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        String[] names = {"payload", "client_id", "async", "timeout", "x"};
        int fields = random.nextInt(4);
        boolean payload = random.nextInt(8) != 0;
        int at = random.nextInt(fields + 1);
        java.util.List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i <= fields; i++) {
            String name = i == at ? (payload ? "payload" : null) : names[1 + random.nextInt(names.length - 1)];
            if (name != null) {
                members.add(RandomJson.member(name, random, 0, DEPTH));
            }
        }
        RandomJson.object(out, random, members);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
