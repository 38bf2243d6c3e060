package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.Http.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP+SSE transport (2024-11-05) on the stream listener: {@code GET /mcp/{name}/sse} held by its loop,
 * {@code POST /mcp/{name}/messages} served on a thread of its own, through the same code as on the public listener.
 * Two replicas on one real Redis, real sockets and the example MCP function: a session run on {@code STREAM_PORT}
 * alone, messages posted to the other replica, refusals compared with the public listener's, and the official Java
 * SDK's HTTP+SSE client given only the {@code STREAM_PORT} URL.
 */
class McpStreamPortLegacyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = McpReplicas.WAIT;
    private static final int MAX_BODY = 64 * 1024;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}";

    private McpReplicas replicas;
    private Gateway a;
    private Gateway b;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        replicas = McpReplicas.start(
                "legacy",
                true,
                Map.of("REDIS_URL", TestRedis.shared().url()),
                Map.of(
                        "STREAM_PORT", "0",
                        "HEARTBEAT_INTERVAL", "1s",
                        "MAX_BODY_SIZE", String.valueOf(MAX_BODY),
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

    private static String on(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static int streamPort(Gateway g) {
        return g.streamPort().orElseThrow();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    /** @return the next message on an HTTP+SSE stream (heartbeats are comments, not events) */
    private static JsonNode nextMessage(SseClient stream) {
        SseClient.Event event = stream.next(WAIT);
        assertThat(event.type()).isEqualTo("message");
        return json(event.data());
    }

    @Test
    void aWholeHttpPlusSseSessionRunsOnTheStreamListenerAlone() {
        int port = streamPort(a);
        String messages;
        try (SseClient stream = SseClient.open(on(port, "/mcp/tools/sse"))) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event endpoint = stream.next(WAIT);
            assertThat(endpoint.type()).isEqualTo("endpoint");
            assertThat(endpoint.data())
                    .as("a path: it resolves against the listener the stream was opened on")
                    .startsWith("/mcp/tools/messages?sessionId=");
            messages = on(port, endpoint.data());

            assertThat(Http.postJson(messages, INITIALIZE).status()).isEqualTo(202);
            JsonNode init = nextMessage(stream);
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("protocolVersion").asText()).isEqualTo("2024-11-05");
            assertThat(init.path("result").path("serverInfo").path("name").asText())
                    .isNotEmpty();

            Http.Answer initialized =
                    Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            assertThat(initialized.status()).isEqualTo(202);
            assertThat(initialized.body()).isEmpty();

            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                            .status())
                    .isEqualTo(202);
            JsonNode listed = nextMessage(stream);
            assertThat(listed.path("id").asInt()).isEqualTo(2);
            assertThat(listed.path("result").path("tools"))
                    .extracting(t -> t.path("name").asText())
                    .contains("test_simple_text");

            assertThat(Http.postJson(
                                    messages,
                                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                                            + "{\"name\":\"test_simple_text\",\"arguments\":{}}}")
                            .status())
                    .isEqualTo(202);
            JsonNode called = nextMessage(stream);
            assertThat(called.path("id").asInt()).isEqualTo(3);
            assertThat(called.path("result").path("content").isArray()).isTrue();
            assertThat(called.path("result").path("isError").asBoolean()).isFalse();

            String sessionId = endpoint.data().substring(endpoint.data().indexOf('=') + 1);
            JsonNode sessions = Http.send(
                            "GET", "http://127.0.0.1:" + a.adminPort() + "/admin/sessions", null, McpReplicas.admin())
                    .json()
                    .get("sessions");
            assertThat(sessions).as("the fleet view shows the stream").anySatisfy(s -> {
                assertThat(s.get("id").asText()).isEqualTo(sessionId);
                assertThat(s.get("streams").get(0).get("kind").asText()).isEqualTo("http+sse");
            });
        }
        // the session ends with its stream, as on the public listener
        await().atMost(WAIT)
                .until(() -> Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}")
                                .status()
                        == 404);
    }

    @Test
    void messagesPostedToTheOtherReplicaAreAnsweredOnTheStreamListenersStream() {
        try (SseClient stream = SseClient.open(on(streamPort(a), "/mcp/tools/sse"))) {
            String path = stream.next(WAIT).data();
            assertThat(Http.postJson(on(streamPort(b), path), INITIALIZE).status())
                    .isEqualTo(202);
            assertThat(nextMessage(stream).path("id").asInt()).isEqualTo(1);
            // and through B's public listener: every listener of every replica reaches the session
            assertThat(Http.postJson(on(b.port(), path), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}")
                            .status())
                    .isEqualTo(202);
            assertThat(nextMessage(stream).path("id").asInt()).isEqualTo(2);
        }
    }

    private record Case(String name, String method, String path, String body, Map<String, String> headers) {}

    @Test
    void refusalsAnswerExactlyAsOnThePublicListener() {
        try (SseClient stream = SseClient.open(on(streamPort(a), "/mcp/tools/sse"))) {
            String path = stream.next(WAIT).data();
            Map<String, String> json = Map.of("Content-Type", "application/json");
            String ping = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
            List<Case> cases = List.of(
                    new Case("stream of an unknown server", "GET", "/mcp/nothing/sse", null, Map.of()),
                    new Case(
                            "stream from an origin not allowed",
                            "GET",
                            "/mcp/tools/sse",
                            null,
                            Map.of("Origin", "http://evil.example")),
                    new Case("POST on the stream's route", "POST", "/mcp/tools/sse", ping, json),
                    new Case("messages without sessionId", "POST", "/mcp/tools/messages", ping, json),
                    new Case("messages of an unknown session", "POST", "/mcp/tools/messages?sessionId=no", ping, json),
                    new Case("messages of an unknown server", "POST", path.replace("/tools/", "/nothing/"), ping, json),
                    new Case("bad JSON", "POST", path, "{\"jsonrpc\":", json),
                    new Case("not a message", "POST", path, "42", json),
                    new Case("a batch", "POST", path, "[" + ping + "]", json),
                    new Case(
                            "oversized body",
                            "POST",
                            path,
                            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"params\":{\"x\":\""
                                    + "x".repeat(MAX_BODY) + "\"}}",
                            json),
                    new Case(
                            "messages from an origin not allowed",
                            "POST",
                            path,
                            ping,
                            with(json, "Origin", "http://evil.example")),
                    new Case("PUT on messages", "PUT", path, ping, json),
                    new Case("DELETE on the stream's route", "DELETE", "/mcp/tools/sse", null, Map.of()));
            for (Case c : cases) {
                Http.Answer public_ = Http.send(c.method(), on(a.port(), c.path()), c.body(), c.headers());
                Http.Answer streams = Http.send(c.method(), on(streamPort(a), c.path()), c.body(), c.headers());
                assertThat(public_.status())
                        .as(c.name() + ": " + public_.body())
                        .isBetween(400, 499);
                assertThat(streams.status())
                        .as(c.name() + ": " + streams.body())
                        .isEqualTo(public_.status());
                JsonNode expected = json(public_.body());
                JsonNode actual = json(streams.body());
                assertThat(expected.path("error").path("code").asInt())
                        .as(c.name())
                        .isNotZero();
                assertThat(actual.path("error").path("code").asInt())
                        .as(c.name())
                        .isEqualTo(expected.path("error").path("code").asInt());
                assertThat(actual.get("id")).as(c.name() + " id").isEqualTo(expected.get("id"));
                assertThat(actual.path("error").path("message").asText())
                        .as(c.name())
                        .isEqualTo(expected.path("error").path("message").asText());
                assertThat(streams.headers().firstValue("Allow"))
                        .as(c.name())
                        .isEqualTo(public_.headers().firstValue("Allow"));
            }
            // the documented codes, so that "equal" is not "equally wrong"
            Http.Answer batch = Http.send("POST", on(streamPort(a), path), "[" + ping + "]", json);
            assertThat(batch.status()).isEqualTo(400);
            assertThat(json(batch.body()).path("error").path("code").asInt()).isEqualTo(-32600);
            Http.Answer missing = Http.send("POST", on(streamPort(a), "/mcp/tools/messages"), ping, json);
            assertThat(missing.status()).isEqualTo(400);
            Http.Answer put = Http.send("PUT", on(streamPort(a), path), ping, json);
            assertThat(put.status()).isEqualTo(405);
            assertThat(put.headers().firstValue("Allow")).contains("POST");
            assertThat(Http.send("GET", on(streamPort(a), "/mcp/nothing/sse"), null, Map.of())
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void preflightsAnswerAsOnThePublicListener() {
        for (String path : List.of("/mcp/tools/sse", "/mcp/tools/messages")) {
            Map<String, String> preflight = Map.of(
                    "Origin", "http://app.example",
                    "Access-Control-Request-Method", path.endsWith("sse") ? "GET" : "POST",
                    "Access-Control-Request-Headers", "content-type");
            Http.Answer public_ = Http.send("OPTIONS", on(a.port(), path), null, preflight);
            Http.Answer streams = Http.send("OPTIONS", on(streamPort(a), path), null, preflight);
            assertThat(streams.status()).as(path).isEqualTo(public_.status()).isEqualTo(204);
            for (String header : List.of(
                    "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")) {
                assertThat(streams.headers().firstValue(header))
                        .as(path + " " + header)
                        .isEqualTo(public_.headers().firstValue(header));
            }
        }
        // a page on an allowed origin reads the stream's answers
        try (SseClient stream =
                SseClient.open(on(streamPort(a), "/mcp/tools/sse"), Map.of("Origin", "http://app.example"))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("http://app.example");
            String path = stream.next(WAIT).data();
            Http.Answer posted = Http.send(
                    "POST",
                    on(streamPort(a), path),
                    INITIALIZE,
                    Map.of("Content-Type", "application/json", "Origin", "http://app.example"));
            assertThat(posted.status()).isEqualTo(202);
            assertThat(posted.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains("http://app.example");
        }
    }

    @Test
    void theJavaSdkHttpPlusSseClientNeedsOnlyTheStreamListenersUrl() {
        @SuppressWarnings("deprecation")
        HttpClientSseClientTransport transport = HttpClientSseClientTransport.builder(on(streamPort(a), ""))
                .sseEndpoint("/mcp/tools/sse")
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(WAIT)
                .clientInfo(new McpSchema.Implementation("old-sdk", "1"))
                .build();
        try {
            McpSchema.InitializeResult initialized = client.initialize();
            assertThat(initialized.protocolVersion()).isEqualTo("2024-11-05");
            McpReplicas.listsAndCallsTheExampleTool(client);
        } finally {
            client.closeGracefully();
        }
    }
}
