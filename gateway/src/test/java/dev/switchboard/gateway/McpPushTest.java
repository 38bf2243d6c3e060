package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push path of MCP servers ({@code POST /publish/mcp/{server}}), end to end over real sockets and one real
 * Redis: the stateless example function pushes through replica A's admin listener to sessions whose streams replica
 * B holds; list_changed reaches every session of the server and no other server's, resources/updated only the
 * subscribed sessions, a log message one session at its level; refusals carry the documented codes. With the
 * in-memory store: {@link McpPushMemoryTest}.
 */
class McpPushTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PUSHER_KEY = "pk-tools-0123456789abcdef0123456789";
    private static final String NEWS_KEY = "pk-news-0123456789abcdef0123456789";
    private static final Duration WAIT = McpReplicas.WAIT;
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private McpReplicas replicas;
    private Gateway a;
    private Gateway b;
    private McpFunctionStub other;
    private McpFunctionStub modern;

    @BeforeEach
    void start() {
        resetStore();
        // the example function tells its clients of changes through replica A's admin listener
        replicas = McpReplicas.start(
                "push",
                twoReplicas(),
                store(),
                Map.of(
                        "MAX_MCP_SUBSCRIPTIONS",
                        "2",
                        "API_KEYS",
                        "pusher:" + ApiKeyHash.of(PUSHER_KEY) + ":publish=mcp:tools,news:" + ApiKeyHash.of(NEWS_KEY)
                                + ":publish=news|mcp:other",
                        "HEARTBEAT_INTERVAL",
                        "5s",
                        "MAX_EVENT_SIZE",
                        "64KiB"),
                false);
        a = replicas.a;
        b = replicas.b;
        other = McpFunctionStub.start(false);
        modern = McpFunctionStub.start(McpFunctionStub.Mode.MODERN);
        replicas.register(a, "other", "mcp", other.url());
        replicas.register(a, "plain", "http", other.url());
        replicas.register(a, "modern", "mcp", modern.url());
        replicas.awaitServed("tools", "other", "modern");
    }

    @AfterEach
    void stop() {
        replicas.close();
        if (other != null) {
            other.close();
        }
        if (modern != null) {
            modern.close();
        }
    }

    /** @return whether the store lets two replicas share sessions (Redis); in memory one replica plays both */
    boolean twoReplicas() {
        return true;
    }

    void resetStore() {
        TestRedis.shared().flush();
    }

    /** @return the state store's settings */
    Map<String, String> store() {
        return Map.of("REDIS_URL", TestRedis.shared().url());
    }

    private static Map<String, String> admin() {
        return McpReplicas.admin();
    }

    // ---- a client of replica B ----

    private static String mcp(Gateway g, String server) {
        return "http://127.0.0.1:" + g.port() + "/mcp/" + server;
    }

    private static JsonNode post(Gateway g, String server, String session, String body) {
        Http.Answer r = Http.send(
                "POST",
                mcp(g, server),
                body,
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH, "Mcp-Session-Id", session));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return json(SseClient.parse(r.body()).getLast().data());
        }
        return r.json();
    }

    private static String initialize(Gateway g, String server) {
        Http.Answer r = Http.send(
                "POST",
                mcp(g, server),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                        + "\"version\":\"1\"}}}",
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** A session's standalone stream, open and live once its priming event arrived. */
    private static SseClient standalone(Gateway g, String server, String session) {
        SseClient stream =
                SseClient.open(mcp(g, server), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"));
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.next(WAIT).data()).as("priming event").isEmpty();
        return stream;
    }

    private static JsonNode nextMessage(SseClient stream) {
        while (true) {
            SseClient.Event e = stream.next(WAIT);
            if (!e.data().isEmpty()) {
                return json(e.data());
            }
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static String callTool(int id, String name) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + name
                + "\",\"arguments\":{}}}";
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    /** Pushes through replica A's admin listener. */
    private Http.Answer push(String server, String body) {
        return Http.send("POST", "http://127.0.0.1:" + a.adminPort() + "/publish/mcp/" + server, body, admin());
    }

    /** A marker every session of the server gets: what a stream shows first after it proves what came before. */
    private void sentinel(String server) {
        Http.Answer r = push(server, "{\"method\":\"notifications/prompts/list_changed\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    // ---- tests ----

    @Test
    void anHttpSseSessionThatNegotiatedANewerVersionGetsItsPushesOnItsOneStream() {
        try (SseClient legacy = SseClient.open(mcp(b, "tools") + "/sse")) {
            SseClient.Event endpoint = legacy.next(WAIT);
            assertThat(endpoint.type()).isEqualTo("endpoint");
            String messages = "http://127.0.0.1:" + b.port() + endpoint.data();
            Map<String, String> json = Map.of("Content-Type", "application/json");
            // the TypeScript SDK's HTTP+SSE client asks for its newest version, as on Streamable HTTP
            assertThat(Http.send(
                                    "POST",
                                    messages,
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                                            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                                    json)
                            .status())
                    .isEqualTo(202);
            assertThat(nextMessage(legacy)
                            .path("result")
                            .path("protocolVersion")
                            .asText())
                    .isEqualTo("2025-06-18");
            assertThat(Http.send(
                                    "POST",
                                    messages,
                                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                                    json)
                            .status())
                    .isEqualTo(202);

            sentinel("tools");
            assertThat(nextMessage(legacy).path("method").asText()).isEqualTo("notifications/prompts/list_changed");
        }
    }

    @Test
    void aNewerStandaloneStreamReplacesTheOlderSoNoMessageGoesOutTwice() {
        String session = initialize(b, "tools");
        try (SseClient older = standalone(b, "tools", session);
                SseClient newer = standalone(b, "tools", session)) {
            assertThat(older.awaitEnd(WAIT)).as("replaced").isTrue();
            sentinel("tools");
            assertThat(nextMessage(newer).path("method").asText()).isEqualTo("notifications/prompts/list_changed");
            assertThat(older.pending()).noneMatch(e -> e.data().contains("list_changed"));
        }
        // MCP streams count among the connections closed, by why
        await().atMost(WAIT)
                .until(() -> Metrics.read(
                                "http://127.0.0.1:" + b.adminPort() + "/metrics",
                                "switchboard_connections_closed_total{reason=\"replaced\"}")
                        >= 1.0);
    }

    @Test
    void aNewerStandaloneStreamOnAnotherReplicaReplacesTheOlder() {
        // one replica with the in-memory store: the same rule on one replica
        String session = initialize(b, "tools");
        try (SseClient older = standalone(a, "tools", session)) {
            // streams opened in the same millisecond are not ordered: neither ends the other
            sleepQuietly(5);
            try (SseClient newer = standalone(b, "tools", session)) {
                assertThat(older.awaitEnd(WAIT))
                        .as("ended by replica B's signal")
                        .isTrue();
                sentinel("tools");
                assertThat(nextMessage(newer).path("method").asText()).isEqualTo("notifications/prompts/list_changed");
                assertThat(older.pending()).noneMatch(e -> e.data().contains("list_changed"));
            }
        }
        // MCP streams count among the connections closed, by why
        await().atMost(WAIT)
                .until(() -> Metrics.read(
                                "http://127.0.0.1:" + a.adminPort() + "/metrics",
                                "switchboard_connections_closed_total{reason=\"replaced\"}")
                        >= 1.0);
    }

    @Test
    void aSessionIsFoundOnlyByTheTransportThatOpenedIt() {
        String streamable = initialize(b, "tools");
        try (SseClient legacy = SseClient.open(mcp(b, "tools") + "/sse")) {
            String endpoint = legacy.next(WAIT).data();
            String legacyId = endpoint.substring(endpoint.indexOf("sessionId=") + "sessionId=".length());
            Map<String, String> json = Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH);

            Http.Answer wrongWay = Http.send(
                    "POST",
                    mcp(b, "tools") + "/messages?sessionId=" + streamable,
                    request(2, "tools/list", "{}"),
                    json);
            assertThat(wrongWay.status())
                    .as("its answer would go to a stream the session does not have")
                    .isEqualTo(404);
            Map<String, String> asStreamable = new java.util.HashMap<>(json);
            asStreamable.put("Mcp-Session-Id", legacyId);
            assertThat(Http.send("POST", mcp(b, "tools"), request(3, "ping", "{}"), asStreamable)
                            .status())
                    .isEqualTo(404);
            assertThat(Http.send("DELETE", mcp(b, "tools"), null, Map.of("Mcp-Session-Id", legacyId))
                            .status())
                    .as("an HTTP+SSE session ends with its stream")
                    .isEqualTo(404);
            assertThat(post(b, "tools", streamable, request(4, "ping", "{}")).has("result"))
                    .isTrue();
        }
    }

    @Test
    void listChangedFromTheFunctionReachesEverySessionOfItsServerOnAnotherReplicaAndNoOther() {
        String s1 = initialize(b, "tools");
        String s2 = initialize(b, "tools");
        String elsewhere = initialize(b, "other");
        try (SseClient g1 = standalone(b, "tools", s1);
                SseClient g2 = standalone(b, "tools", s2);
                SseClient g3 = standalone(b, "other", elsewhere);
                SseClient legacy = SseClient.open(mcp(b, "tools") + "/sse")) {
            assertThat(legacy.next(WAIT).type()).isEqualTo("endpoint");
            JsonNode told = post(b, "tools", s1, callTool(2, "toggle_extra_tool"));
            assertThat(told.path("result").path("isError").asBoolean())
                    .as(told.toString())
                    .isFalse();
            // three sessions of "tools": two Streamable HTTP ones and the HTTP+SSE one
            assertThat(told.path("result").path("content").get(0).path("text").asText())
                    .isEqualTo("extra_tool added; 3 session(s) told");
            for (SseClient s : List.of(g1, g2)) {
                assertThat(nextMessage(s).path("method").asText()).isEqualTo("notifications/tools/list_changed");
            }
            assertThat(json(legacy.next(WAIT).data()).path("method").asText())
                    .isEqualTo("notifications/tools/list_changed");
            JsonNode tools = post(b, "tools", s2, request(3, "tools/list", "{}"));
            assertThat(tools.path("result").path("tools").findValuesAsText("name"))
                    .contains("extra_tool");

            sentinel("other");
            assertThat(nextMessage(g3).path("method").asText())
                    .as("the other server's session got nothing before")
                    .isEqualTo("notifications/prompts/list_changed");
        }
    }

    @Test
    void resourcesUpdatedReachesOnlyTheSessionsSubscribedToTheUri() {
        String subscriber = initialize(b, "tools");
        String bystander = initialize(b, "tools");
        try (SseClient g1 = standalone(b, "tools", subscriber);
                SseClient g2 = standalone(b, "tools", bystander)) {
            // forwarded to the function, which knows the URI, and recorded by the gateway
            JsonNode subscribed =
                    post(a, "tools", subscriber, request(2, "resources/subscribe", "{\"uri\":\"test://counter\"}"));
            assertThat(subscribed.has("result")).as(subscribed.toString()).isTrue();
            JsonNode bumped = post(b, "tools", bystander, callTool(3, "bump_counter"));
            assertThat(bumped.path("result").path("content").get(0).path("text").asText())
                    .isEqualTo("counter is 1; 1 session(s) told");
            JsonNode updated = nextMessage(g1);
            assertThat(updated.path("method").asText()).isEqualTo("notifications/resources/updated");
            assertThat(updated.path("params").path("uri").asText()).isEqualTo("test://counter");
            sentinel("tools");
            assertThat(nextMessage(g2).path("method").asText())
                    .as("the bystander was not told")
                    .isEqualTo("notifications/prompts/list_changed");
            assertThat(nextMessage(g1).path("method").asText()).isEqualTo("notifications/prompts/list_changed");

            // a URI the function refuses is not kept
            JsonNode refused =
                    post(b, "tools", bystander, request(4, "resources/subscribe", "{\"uri\":\"test://nothing-here\"}"));
            assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32602);
            Http.Answer none = push(
                    "tools",
                    "{\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":"
                            + "\"test://nothing-here\"}}");
            assertThat(none.json().path("sessions").asInt()).isZero();

            // unsubscribed: told no more
            assertThat(post(b, "tools", subscriber, request(5, "resources/unsubscribe", "{\"uri\":\"test://counter\"}"))
                            .has("result"))
                    .isTrue();
            assertThat(post(b, "tools", bystander, callTool(6, "bump_counter"))
                            .path("result")
                            .path("content")
                            .get(0)
                            .path("text")
                            .asText())
                    .isEqualTo("counter is 2; 0 session(s) told");
        }
    }

    @Test
    void aFunctionThatSpeaksOnly2026GetsSubscriptionsKeptAndAnsweredByTheGateway() {
        String subscriber = initialize(b, "modern");
        String bystander = initialize(b, "modern");
        try (SseClient g1 = standalone(b, "modern", subscriber);
                SseClient g2 = standalone(b, "modern", bystander)) {
            JsonNode subscribed =
                    post(a, "modern", subscriber, request(2, "resources/subscribe", "{\"uri\":\"test://x\"}"));
            assertThat(subscribed.path("result").isObject())
                    .as(subscribed.toString())
                    .isTrue();
            assertThat(modern.received())
                    .as("2026-07-28 has no resources/subscribe: not forwarded")
                    .noneMatch(r -> "resources/subscribe"
                            .equals(r.message().path("method").asText()));
            Http.Answer pushed = push(
                    "modern",
                    "{\"method\":\"notifications/resources/updated\",\"params\":{" + "\"uri\":\"test://x\"}}");
            assertThat(pushed.json().path("sessions").asInt()).isEqualTo(1);
            assertThat(nextMessage(g1).path("params").path("uri").asText()).isEqualTo("test://x");
            sentinel("modern");
            assertThat(nextMessage(g2).path("method").asText()).isEqualTo("notifications/prompts/list_changed");
        }
    }

    @Test
    void anEndedSessionIsNoLongerATarget() {
        String ended = initialize(b, "tools");
        initialize(b, "tools");
        assertThat(push("tools", "{\"method\":\"notifications/tools/list_changed\"}")
                        .json()
                        .path("sessions")
                        .asInt())
                .isEqualTo(2);
        Http.Answer deleted = Http.send("DELETE", mcp(b, "tools"), null, Map.of("Mcp-Session-Id", ended));
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(push("tools", "{\"method\":\"notifications/tools/list_changed\"}")
                        .json()
                        .path("sessions")
                        .asInt())
                .isEqualTo(1);
        Http.Answer named = push("tools", log(ended, "error"));
        assertThat(named.json().path("code").asText()).isEqualTo("SESSION_NOT_FOUND");
    }

    @Test
    void subscriptionsPerSessionAreBounded() {
        String session = initialize(b, "tools");
        for (String uri : List.of("test://counter", "test://static-text", "test://counter")) {
            assertThat(post(b, "tools", session, request(2, "resources/subscribe", "{\"uri\":\"" + uri + "\"}"))
                            .has("result"))
                    .as("a repeat does not count twice")
                    .isTrue();
        }
        JsonNode third =
                post(b, "tools", session, request(3, "resources/subscribe", "{\"uri\":\"test://watched-resource\"}"));
        assertThat(third.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(third.path("error").path("message").asText()).contains("MAX_MCP_SUBSCRIPTIONS");
        JsonNode noUri = post(b, "tools", session, request(4, "resources/subscribe", "{}"));
        assertThat(noUri.path("error").path("code").asInt()).isEqualTo(-32602);
        // room again after an unsubscribe
        post(b, "tools", session, request(5, "resources/unsubscribe", "{\"uri\":\"test://static-text\"}"));
        assertThat(post(b, "tools", session, request(6, "resources/subscribe", "{\"uri\":\"test://watched-resource\"}"))
                        .has("result"))
                .isTrue();
    }

    @Test
    void aLogMessageReachesOneSessionAtItsLevel() {
        String quiet = initialize(b, "tools");
        String bystander = initialize(b, "tools");
        try (SseClient g1 = standalone(b, "tools", quiet);
                SseClient g2 = standalone(b, "tools", bystander)) {
            assertThat(post(b, "tools", quiet, request(2, "logging/setLevel", "{\"level\":\"warning\"}"))
                            .has("result"))
                    .isTrue();
            Http.Answer info = push("tools", log(quiet, "info"));
            assertThat(info.status()).isEqualTo(202);
            assertThat(info.json().path("sessions").asInt())
                    .as("below the session's level")
                    .isZero();
            Http.Answer error = push("tools", log(quiet, "error"));
            assertThat(error.json().path("sessions").asInt()).isEqualTo(1);
            JsonNode message = nextMessage(g1);
            assertThat(message.path("method").asText()).isEqualTo("notifications/message");
            assertThat(message.path("params").path("level").asText()).isEqualTo("error");
            assertThat(message.path("params").path("data").path("n").asText()).isEqualTo("error");
            sentinel("tools");
            assertThat(nextMessage(g2).path("method").asText()).isEqualTo("notifications/prompts/list_changed");

            Http.Answer unknown = push("tools", log("no-such-session", "error"));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("code").asText()).isEqualTo("SESSION_NOT_FOUND");
            String ofOther = initialize(b, "other");
            assertThat(push("tools", log(ofOther, "error")).json().path("code").asText())
                    .as("a session of another server")
                    .isEqualTo("SESSION_NOT_FOUND");
            Http.Answer noSession = push(
                    "tools", "{\"method\":\"notifications/message\",\"params\":{\"level\":" + "\"error\",\"data\":1}}");
            assertThat(noSession.status()).isEqualTo(400);
            assertThat(noSession.json().path("field").asText()).isEqualTo("session");
        }
    }

    @Test
    void aLoggingLevelSetThroughOneReplicaHoldsAtOnceOnTheOther() {
        String session = initialize(a, "tools");
        assertThat(post(a, "tools", session, request(2, "logging/setLevel", "{\"level\":\"debug\"}"))
                        .has("result"))
                .isTrue();
        // replica B reads the session now and keeps its record for its renewal interval (a second)
        assertThat(toolsLogMessages(b, session, 3))
                .as("at debug, the tool's info message")
                .hasSize(1);

        double heard = signalsReceived(b);
        assertThat(post(a, "tools", session, request(4, "logging/setLevel", "{\"level\":\"error\"}"))
                        .has("result"))
                .isTrue();
        // told by a session signal (Redis pub/sub, so it may trail A's answer by a moment)
        await().atMost(WAIT).until(() -> signalsReceived(b) > heard);
        assertThat(toolsLogMessages(b, session, 5))
                .as("at error, within B's renewal interval: the function was given the new level")
                .isEmpty();
    }

    /** Calls the example's {@code test_logging_tool} (one info message) and returns the messages relayed. */
    private static List<JsonNode> toolsLogMessages(Gateway g, String session, int id) {
        Http.Answer r = Http.send(
                "POST",
                mcp(g, "tools"),
                request(id, "tools/call", "{\"name\":\"test_logging_tool\",\"arguments\":{}}"),
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH, "Mcp-Session-Id", session));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            assertThat(r.json().has("result")).as(r.body()).isTrue();
            return List.of(); // answered with JSON: nothing came before the result
        }
        List<JsonNode> messages = SseClient.parse(r.body()).stream()
                .filter(e -> e.data() != null && !e.data().isBlank()) // a priming event has no data
                .map(e -> json(e.data()))
                .toList();
        assertThat(messages.getLast().has("result")).as(r.body()).isTrue();
        return messages.stream()
                .filter(m -> m.path("method").asText().equals("notifications/message"))
                .toList();
    }

    /** @return the session signals a replica has received ({@code switchboard_session_signals_received_total}) */
    private static double signalsReceived(Gateway g) {
        return Metrics.read(
                "http://127.0.0.1:" + g.adminPort() + "/metrics", "switchboard_session_signals_received_total");
    }

    private static String log(String session, String level) {
        return "{\"method\":\"notifications/message\",\"session\":\"" + session + "\",\"params\":{\"level\":\"" + level
                + "\",\"logger\":\"t\",\"data\":{\"n\":\"" + level + "\"}}}";
    }

    @Test
    void pushingNeedsTheAdminTokenOrAPublishGrantCoveringTheServer() {
        String body = "{\"method\":\"notifications/tools/list_changed\"}";
        String adminUrl = "http://127.0.0.1:" + a.adminPort() + "/publish/mcp/tools";
        Http.Answer noToken = Http.send("POST", adminUrl, body, Map.of("Content-Type", "application/json"));
        assertThat(noToken.status()).isEqualTo(401);
        String publicUrl = "http://127.0.0.1:" + b.port() + "/publish/mcp/tools";
        Http.Answer anonymous = Http.send("POST", publicUrl, body, Map.of("Content-Type", "application/json"));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        Http.Answer otherGrant =
                Http.send("POST", publicUrl, body, Map.of("Content-Type", "application/json", "X-API-Key", NEWS_KEY));
        assertThat(otherGrant.status()).isEqualTo(403);
        assertThat(otherGrant.json().path("code").asText()).isEqualTo("PUBLISH_FORBIDDEN");
        Http.Answer unknownServer = Http.send(
                "POST",
                "http://127.0.0.1:" + b.port() + "/publish/mcp/nope",
                body,
                Map.of("Content-Type", "application/json", "X-API-Key", NEWS_KEY));
        assertThat(unknownServer.status())
                .as("refused before the registry is consulted")
                .isEqualTo(403);

        String session = initialize(b, "tools");
        try (SseClient stream = standalone(b, "tools", session)) {
            Http.Answer granted = Http.send(
                    "POST", publicUrl, body, Map.of("Content-Type", "application/json", "X-API-Key", PUSHER_KEY));
            assertThat(granted.status()).as(granted.body()).isEqualTo(202);
            assertThat(granted.json().path("sessions").asInt()).isEqualTo(1);
            assertThat(nextMessage(stream).path("method").asText()).isEqualTo("notifications/tools/list_changed");
        }
    }

    @Test
    void badPushesGetDocumentedErrors() {
        Http.Answer unknown = push("nope", "{\"method\":\"notifications/tools/list_changed\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("code").asText()).isEqualTo("MCP_SERVER_NOT_FOUND");
        assertThat(push("plain", "{\"method\":\"notifications/tools/list_changed\"}")
                        .json()
                        .path("code")
                        .asText())
                .as("a function that is not an MCP server")
                .isEqualTo("MCP_SERVER_NOT_FOUND");
        Http.Answer method = push("tools", "{\"method\":\"tools/call\"}");
        assertThat(method.status()).isEqualTo(400);
        assertThat(method.json().path("code").asText()).isEqualTo("INVALID_NOTIFICATION");
        Http.Answer noUri = push("tools", "{\"method\":\"notifications/resources/updated\",\"params\":{}}");
        assertThat(noUri.status()).isEqualTo(400);
        assertThat(noUri.json().path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(noUri.json().path("field").asText()).isEqualTo("params.uri");
        Http.Answer level = push(
                "tools",
                "{\"method\":\"notifications/message\",\"session\":\"x\",\"params\":{"
                        + "\"level\":\"loud\",\"data\":1}}");
        assertThat(level.json().path("field").asText()).isEqualTo("params.level");
        Http.Answer extra = push("tools", "{\"method\":\"notifications/tools/list_changed\",\"to\":\"all\"}");
        assertThat(extra.json().path("field").asText()).isEqualTo("to");
        Http.Answer notJson = push("tools", "{nope");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("code").asText()).isEqualTo("INVALID_JSON");
        Http.Answer tooLarge = push(
                "tools",
                "{\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":"
                        + "\"test://counter\",\"blob\":\"" + "x".repeat(100_000) + "\"}}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("code").asText()).isEqualTo("EVENT_TOO_LARGE");
        Http.Answer get = Http.send("GET", "http://127.0.0.1:" + a.adminPort() + "/publish/mcp/tools", null, admin());
        assertThat(get.status()).isEqualTo(405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"streamable-http", "http+sse"})
    void theOfficialJavaSdkClientHearsTheToolListChange(String transportName) {
        List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        String base = "http://127.0.0.1:" + b.port();
        @SuppressWarnings("deprecation")
        McpClientTransport transport = transportName.equals("http+sse")
                ? HttpClientSseClientTransport.builder(base)
                        .sseEndpoint("/mcp/tools/sse")
                        .build()
                : HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp/tools")
                        .build();
        String streamKind = transportName.equals("http+sse") ? "http+sse" : "standalone";
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(WAIT)
                .toolsChangeConsumer(changes::add)
                .build();
        try {
            client.initialize();
            // a push reaches only a stream that is open: wait until the gateway holds the client's
            await().atMost(WAIT)
                    .until(() -> a.state().connections().list().stream()
                            .anyMatch(c -> streamKind.equals(c.metadata().get("mcp_stream"))));
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("toggle_extra_tool", Map.of()));
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            await().atMost(WAIT)
                    .until(() -> changes.stream()
                            .anyMatch(tools ->
                                    tools.stream().anyMatch(t -> t.name().equals("extra_tool"))));
        } finally {
            client.closeGracefully();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
