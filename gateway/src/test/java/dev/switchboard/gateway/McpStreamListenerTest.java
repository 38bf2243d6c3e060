package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MCP standalone streams held on the stream listener ({@code GET /mcp/{name}} on {@code STREAM_PORT}), over
 * real sockets with a real SSE reader and one real Redis: sessions initialized and called on replica A's
 * public listener, their standalone streams held on replica B's stream listener; pushes reach them, a
 * {@code Last-Event-ID} resumes them, DELETE ends them, and refusals answer as on the public listener. With
 * the in-memory store: {@link McpStreamListenerMemoryTest}.
 */
class McpStreamListenerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = McpReplicas.WAIT;
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private McpReplicas replicas;
    private Gateway a;
    private Gateway b;

    @BeforeEach
    void start() {
        resetStore();
        replicas = McpReplicas.start(
                "stream",
                twoReplicas(),
                store(),
                Map.of(
                        "STREAM_PORT", "0",
                        "MAX_STREAMS_PER_IP", "3",
                        "HEARTBEAT_INTERVAL", "1s",
                        "MCP_ALLOWED_ORIGINS", "http://app.example"),
                false);
        a = replicas.a;
        b = replicas.b;
        replicas.awaitServed("tools");
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    boolean twoReplicas() {
        return true;
    }

    void resetStore() {
        TestRedis.shared().flush();
    }

    Map<String, String> store() {
        return Map.of("REDIS_URL", TestRedis.shared().url());
    }

    private static Map<String, String> admin() {
        return McpReplicas.admin();
    }

    private static String onPort(Gateway g, String server) {
        return "http://127.0.0.1:" + g.port() + "/mcp/" + server;
    }

    private static String onStreamPort(Gateway g, String server) {
        return "http://127.0.0.1:" + g.streamPort().orElseThrow() + "/mcp/" + server;
    }

    private static String initialize(Gateway g) {
        Http.Answer r = Http.send(
                "POST",
                onPort(g, "tools"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static JsonNode callTool(Gateway g, String session, int id, String tool) {
        Http.Answer r = Http.send(
                "POST",
                onPort(g, "tools"),
                "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                        + "\",\"arguments\":{}}}",
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH, "Mcp-Session-Id", session));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return json(SseClient.parse(r.body()).getLast().data());
        }
        return json(r.body());
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    /** The next message of a standalone stream, skipping heartbeats and the priming event. */
    private static SseClient.Event nextMessage(SseClient stream) {
        for (int i = 0; i < 100; i++) {
            SseClient.Event e = stream.next(WAIT);
            if (!e.data().isEmpty()) {
                return e;
            }
        }
        throw new AssertionError("no message in 100 events");
    }

    private Http.Answer push(String body) {
        return Http.send("POST", "http://127.0.0.1:" + a.adminPort() + "/publish/mcp/tools", body, admin());
    }

    // ---- tests ----

    @Test
    void aStandaloneStreamOnTheStreamListenerGetsPushesResumesAndEndsWithItsSession() {
        String session = initialize(a);
        SseClient.Event told;
        try (SseClient stream = SseClient.open(
                onStreamPort(b, "tools"), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"))) {
            assertThat(stream.status()).isEqualTo(200);
            // as every other stream on either listener says it
            assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream; charset=utf-8");
            SseClient.Event priming = stream.next(WAIT);
            assertThat(priming.data()).as("priming event").isEmpty();
            assertThat(priming.id()).isNotEmpty();
            // a tool of the function pushes list_changed through the admin listener to every session
            JsonNode result = callTool(a, session, 2, "toggle_extra_tool");
            assertThat(result.path("result").path("isError").asBoolean())
                    .as(result.toString())
                    .isFalse();
            told = nextMessage(stream);
            assertThat(json(told.data()).path("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(told.id()).isNotEmpty();
        }
        // missed while away: a push, read on resumption from the stream listener
        assertThat(push("{\"method\":\"notifications/prompts/list_changed\"}").status())
                .isEqualTo(202);
        try (SseClient resumed = SseClient.open(
                onStreamPort(b, "tools"),
                Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream", "Last-Event-ID", told.id()))) {
            assertThat(resumed.status()).isEqualTo(200);
            SseClient.Event missed = nextMessage(resumed);
            assertThat(json(missed.data()).path("method").asText()).isEqualTo("notifications/prompts/list_changed");
            // DELETE on the public listener ends the session, and its stream on the other listener
            Http.Answer deleted = Http.send("DELETE", onPort(a, "tools"), null, Map.of("Mcp-Session-Id", session));
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(resumed.awaitEnd(WAIT))
                    .as("the stream ends with its session")
                    .isTrue();
        }
        Http.Answer gone = Http.send(
                "GET",
                onStreamPort(b, "tools"),
                null,
                Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"));
        assertThat(gone.status()).isEqualTo(404);
    }

    @Test
    void heartbeatsKeepAnIdleStandaloneStreamAlive() {
        String session = initialize(a);
        try (SseClient stream = SseClient.open(
                onStreamPort(b, "tools"), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"))) {
            assertThat(stream.next(WAIT).data()).isEmpty();
            // heartbeats are comments: the reader sees none, but the connection stays open past several
            await().pollDelay(Duration.ofMillis(2500)).atMost(WAIT).until(() -> true);
            assertThat(push("{\"method\":\"notifications/prompts/list_changed\"}")
                            .status())
                    .isEqualTo(202);
            assertThat(json(nextMessage(stream).data()).path("method").asText())
                    .isEqualTo("notifications/prompts/list_changed");
        }
    }

    @Test
    void refusalsAnswerAsOnThePublicListener() {
        String session = initialize(a);
        Map<String, Map<String, String>> cases = new java.util.LinkedHashMap<>();
        cases.put("no session", Map.of("Accept", "text/event-stream"));
        cases.put("unknown session", Map.of("Accept", "text/event-stream", "Mcp-Session-Id", "no-such-session"));
        cases.put(
                "origin not allowed",
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "Origin", "http://evil.example"));
        cases.put(
                "bad Last-Event-ID",
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "Last-Event-ID", "x/not-an-id"));
        cases.put(
                "unsupported version",
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2026-07-28"));
        for (var c : cases.entrySet()) {
            Http.Answer public_ = Http.send("GET", onPort(b, "tools"), null, c.getValue());
            Http.Answer streams = Http.send("GET", onStreamPort(b, "tools"), null, c.getValue());
            assertThat(streams.status()).as(c.getKey() + ": " + streams.body()).isEqualTo(public_.status());
            assertThat(streams.status()).as(c.getKey()).isBetween(400, 499);
            assertThat(json(streams.body()).path("error").path("code").asInt())
                    .as(c.getKey())
                    .isEqualTo(json(public_.body()).path("error").path("code").asInt());
        }
        Http.Answer noServer = Http.send(
                "GET",
                onStreamPort(b, "nothing"),
                null,
                Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"));
        assertThat(noServer.status()).isEqualTo(404);
        assertThat(Http.send("GET", onPort(b, "nothing"), null, Map.of("Mcp-Session-Id", session))
                        .status())
                .isEqualTo(404);
        // POST is served there too (McpStreamPortEndpointTest), refused alike
        Http.Answer post =
                Http.send("POST", onStreamPort(b, "tools"), "{}", Map.of("Content-Type", "application/json"));
        Http.Answer postThere = Http.send("POST", onPort(b, "tools"), "{}", Map.of("Content-Type", "application/json"));
        assertThat(post.status()).isEqualTo(postThere.status()).isEqualTo(400);
        assertThat(post.body()).isEqualTo(postThere.body());
    }

    @Test
    void theAddressCapRefusesAsOnThePublicListener() {
        // MAX_STREAMS_PER_IP=3: three streams held on the stream listener, the fourth refused with 429
        List<SseClient> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String s = initialize(a);
                SseClient stream = SseClient.open(
                        onStreamPort(b, "tools"), Map.of("Mcp-Session-Id", s, "Accept", "text/event-stream"));
                held.add(stream);
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.next(WAIT).data()).isEmpty();
            }
            String s = initialize(a);
            Http.Answer over = Http.send(
                    "GET", onStreamPort(b, "tools"), null, Map.of("Mcp-Session-Id", s, "Accept", "text/event-stream"));
            assertThat(over.status()).as(over.body()).isEqualTo(429);
            // a JSON-RPC error, as every refusal on an MCP route; no id, a GET carries no request
            JsonNode error = over.json();
            assertThat(error.path("jsonrpc").asText()).as(over.body()).isEqualTo("2.0");
            assertThat(error.has("id")).isFalse();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32000);
            assertThat(error.path("error").path("message").asText()).contains("MAX_STREAMS_PER_IP");
            Http.Answer overThere = Http.send(
                    "GET", onPort(b, "tools"), null, Map.of("Mcp-Session-Id", s, "Accept", "text/event-stream"));
            assertThat(overThere.status())
                    .as("the cap is shared with the public listener")
                    .isEqualTo(429);
            assertThat(overThere.body()).isEqualTo(over.body());
        } finally {
            held.forEach(SseClient::close);
        }
    }

    @Test
    void aPreflightOnTheStreamListenerAnswersWithMcpCors() {
        Http.Answer r = Http.send(
                "OPTIONS",
                onStreamPort(b, "tools"),
                null,
                Map.of(
                        "Origin", "http://app.example",
                        "Access-Control-Request-Method", "GET",
                        "Access-Control-Request-Headers", "mcp-session-id, last-event-id"));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("http://app.example");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .containsIgnoringCase("Mcp-Session-Id");
    }
}
