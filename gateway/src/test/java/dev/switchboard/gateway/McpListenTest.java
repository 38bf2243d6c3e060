package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 2026-07-28 {@code subscriptions/listen} streams held by the gateway, over real sockets: a listen stream on replica A
 * hears what the stateless example function (or an operator) pushes through replica B, one real Redis between them;
 * only what its filter asks for, each notification stamped with its subscription id; keep-alive comments and no
 * event ids; the listen request answered {@code complete} when the gateway stops or the registration is deleted
 * (on every replica); malformed requests refused with the
 * documented JSON-RPC errors. With the in-memory store: {@link McpListenMemoryTest}.
 */
class McpListenTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = McpReplicas.WAIT;
    private static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    private McpReplicas replicas;
    private Gateway a;
    private Gateway b;

    @BeforeEach
    void start() {
        resetStore();
        // the example function pushes through replica B's admin listener
        replicas = McpReplicas.start(
                "listen",
                twoReplicas(),
                store(),
                Map.of("MAX_MCP_SUBSCRIPTIONS", "2", "HEARTBEAT_INTERVAL", "500ms"),
                true);
        a = replicas.a;
        b = replicas.b;
        replicas.awaitServed("tools");
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    /** @return whether the store lets two replicas share pushes (Redis); in memory one replica plays both */
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

    private static String mcp(Gateway g) {
        return "http://127.0.0.1:" + g.port() + "/mcp/tools";
    }

    /** The headers a 2026-07-28 client sends with a request. */
    private static Map<String, String> modernHeaders(String method) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("MCP-Protocol-Version", "2026-07-28");
        headers.put("Mcp-Method", method);
        return headers;
    }

    private static String listenBody(String id, String filter) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"subscriptions/listen\",\"params\":{" + META
                + ",\"notifications\":" + filter + "}}";
    }

    /** Opens a listen stream and checks its acknowledgement. */
    private static SseClient listen(Gateway g, String id, String filter, String honoured) {
        SseClient stream = SseClient.post(mcp(g), listenBody(id, filter), modernHeaders("subscriptions/listen"));
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        SseClient.Event first = stream.next(WAIT);
        assertThat(first.id()).as("not resumable: no event ids").isNull();
        JsonNode ack = json(first.data());
        assertThat(ack.path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
        assertThat(ack.has("id")).isFalse();
        assertThat(ack.path("params").path("_meta").path(SUBSCRIPTION_ID)).isEqualTo(json(id));
        assertThat(ack.path("params").path("notifications")).isEqualTo(json(honoured));
        return stream;
    }

    private static JsonNode next(SseClient stream) {
        SseClient.Event e = stream.next(WAIT);
        assertThat(e.id()).isNull();
        return json(e.data());
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private Http.Answer push(Gateway g, String body) {
        Http.Answer r = Http.send("POST", "http://127.0.0.1:" + g.adminPort() + "/publish/mcp/tools", body, admin());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r;
    }

    /** A stateless 2026-07-28 tool call through a replica (relayed to the function). */
    private static JsonNode callTool(Gateway g, String tool) {
        Map<String, String> headers = modernHeaders("tools/call");
        headers.put("Mcp-Name", tool);
        headers.put("Content-Type", "application/json");
        Http.Answer r = Http.send(
                "POST",
                mcp(g),
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{" + META + ",\"name\":\"" + tool
                        + "\",\"arguments\":{}}}",
                headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
                ? json(SseClient.parse(r.body()).getLast().data())
                : r.json();
    }

    // ---- tests ----

    @Test
    void aListenStreamOnOneReplicaHearsOnlyWhatItAskedForPushedThroughAnother() {
        try (SseClient stream = listen(
                a,
                "\"sub-1\"",
                "{\"toolsListChanged\":true,\"promptsListChanged\":false,\"resourceSubscriptions\":[\"test://counter\"],"
                        + "\"tasks\":true}",
                "{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"test://counter\"]}")) {
            // what the filter does not ask for, pushed first: none of it may come before what follows
            push(b, "{\"method\":\"notifications/prompts/list_changed\"}");
            push(b, "{\"method\":\"notifications/resources/list_changed\"}");
            push(b, "{\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"test://static-text\"}}");
            // the stateless function's hook, called through replica B, pushes through replica B
            JsonNode told = callTool(b, "test_trigger_tool_change");
            assertThat(told.path("result").path("isError").asBoolean())
                    .as(told.toString())
                    .isFalse();
            JsonNode changed = next(stream);
            assertThat(changed.path("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.path("params")
                            .path("_meta")
                            .path(SUBSCRIPTION_ID)
                            .asText())
                    .isEqualTo("sub-1");
            // the function's resource changes, called through replica A this time
            assertThat(callTool(a, "bump_counter")
                            .path("result")
                            .path("isError")
                            .asBoolean())
                    .isFalse();
            JsonNode updated = next(stream);
            assertThat(updated.path("method").asText()).isEqualTo("notifications/resources/updated");
            assertThat(updated.path("params").path("uri").asText()).isEqualTo("test://counter");
            assertThat(updated.path("params")
                            .path("_meta")
                            .path(SUBSCRIPTION_ID)
                            .asText())
                    .isEqualTo("sub-1");
            // a pusher's own _meta stays; the subscription id is the gateway's to set
            push(
                    b,
                    "{\"method\":\"notifications/tools/list_changed\",\"params\":{\"_meta\":{\"k\":1,"
                            + "\"io.modelcontextprotocol/subscriptionId\":\"forged\"}}}");
            JsonNode stamped = next(stream);
            assertThat(stamped.path("params").path("_meta").path("k").asInt()).isEqualTo(1);
            assertThat(stamped.path("params")
                            .path("_meta")
                            .path(SUBSCRIPTION_ID)
                            .asText())
                    .isEqualTo("sub-1");
            assertThat(stream.pending()).isEmpty();
        }
    }

    @Test
    void eachStreamGetsItsOwnSubscriptionIdAndASessionPushDoesNotReachThem() {
        try (SseClient numeric = listen(a, "7", "{\"promptsListChanged\":true}", "{\"promptsListChanged\":true}");
                SseClient other = listen(
                        b,
                        "\"x\"",
                        "{\"promptsListChanged\":true,\"toolsListChanged\":true}",
                        "{\"toolsListChanged\":true,\"promptsListChanged\":true}")) {
            // a log message for one session never goes on a listen stream; neither does a push named to a session
            Http.Answer init = Http.send(
                    "POST",
                    mcp(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            push(
                    a,
                    "{\"method\":\"notifications/message\",\"session\":\"" + session
                            + "\",\"params\":{\"level\":\"error\",\"data\":\"x\"}}");
            assertThat(push(a, "{\"method\":\"notifications/tools/list_changed\",\"session\":\"" + session + "\"}")
                            .json()
                            .path("listen_streams")
                            .asInt())
                    .as("a push named to a session goes to no listen stream")
                    .isZero();
            JsonNode answer = push(a, "{\"method\":\"notifications/prompts/list_changed\"}")
                    .json();
            assertThat(answer.path("sessions").asInt())
                    .as("listen streams are not sessions")
                    .isEqualTo(1);
            assertThat(answer.path("listen_streams").asInt())
                    .as("the listen streams of the fleet, counted apart: %s", answer)
                    .isEqualTo(2);
            JsonNode first = next(numeric);
            assertThat(first.path("method").asText()).isEqualTo("notifications/prompts/list_changed");
            assertThat(first.path("params").path("_meta").path(SUBSCRIPTION_ID).isInt())
                    .as("the id keeps its JSON type")
                    .isTrue();
            assertThat(first.path("params").path("_meta").path(SUBSCRIPTION_ID).asInt())
                    .isEqualTo(7);
            JsonNode second = next(other);
            assertThat(second.path("method").asText()).isEqualTo("notifications/prompts/list_changed");
            assertThat(second.path("params").path("_meta").path(SUBSCRIPTION_ID).asText())
                    .isEqualTo("x");
        }
        // closed streams stop counting
        await().atMost(WAIT)
                .until(() -> push(b, "{\"method\":\"notifications/prompts/list_changed\"}")
                                .json()
                                .path("listen_streams")
                                .asInt()
                        == 0);
    }

    @Test
    void theStreamCarriesKeepAliveCommentsAndNoEventIds() throws Exception {
        byte[] body = listenBody("1", "{\"toolsListChanged\":true}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", a.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp/tools HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                            + "Mcp-Method: subscriptions/listen\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + WAIT.toNanos();
            // two heartbeat intervals at least, bounded by WAIT
            while (System.nanoTime() < deadline && countOf(seen.toString(StandardCharsets.UTF_8), ": keep-alive") < 2) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                seen.write(buffer, 0, n);
            }
            String text = seen.toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 200");
            assertThat(text).contains("notifications/subscriptions/acknowledged");
            assertThat(countOf(text, ": keep-alive")).isGreaterThanOrEqualTo(2);
            assertThat(text).doesNotContain("\nid:").doesNotContain("\nretry:");
        }
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    @Test
    void aStoppingGatewayAnswersTheListenRequestCompleteAndCloses() throws Exception {
        Gateway c = replicas.gateway("listen-c");
        try {
            if (!twoReplicas()) {
                replicas.register(c, "tools", "mcp", replicas.functionEndpoint()); // a store of its own
            }
            McpReplicas.awaitServed(c, "tools");
            try (SseClient stream =
                    listen(c, "\"bye\"", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}")) {
                c.close();
                JsonNode last = next(stream);
                assertThat(last.path("id").asText()).isEqualTo("bye");
                assertThat(last.path("result").path("resultType").asText()).isEqualTo("complete");
                assertThat(last.path("result")
                                .path("_meta")
                                .path(SUBSCRIPTION_ID)
                                .asText())
                        .isEqualTo("bye");
                assertThat(stream.awaitEnd(WAIT)).isTrue();
            }
        } finally {
            c.close();
        }
    }

    @Test
    void deletingTheRegistrationAnswersEveryReplicasListenStreamsCompleteAndClosesThem() {
        try (SseClient here = listen(a, "\"here\"", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}");
                SseClient there = listen(b, "3", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}")) {
            Http.Answer deleted =
                    Http.send("DELETE", "http://127.0.0.1:" + a.adminPort() + "/admin/functions/tools", null, admin());
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            // the replica that deleted it, and the one that heard of it through the store's announcement
            for (SseClient stream : List.of(here, there)) {
                JsonNode last = next(stream);
                assertThat(last.path("result").path("resultType").asText())
                        .as(last.toString())
                        .isEqualTo("complete");
                assertThat(last.path("id"))
                        .isEqualTo(last.path("result").path("_meta").path(SUBSCRIPTION_ID));
                assertThat(stream.awaitEnd(WAIT)).isTrue();
            }
            // listening again finds no server
            Map<String, String> headers = modernHeaders("subscriptions/listen");
            headers.put("Content-Type", "application/json");
            Http.Answer again = Http.send("POST", mcp(b), listenBody("4", "{}"), headers);
            assertThat(again.status()).as(again.body()).isEqualTo(404);
        }
    }

    @Test
    void aServerDeletedAndRegisteredAgainBehindTheReplicasBacksEndsTheirListenStreams() {
        // only a shared store can lose the delete's announcement; in memory one replica makes every change itself
        org.junit.jupiter.api.Assumptions.assumeTrue(twoReplicas());
        try (SseClient here = listen(a, "5", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}");
                SseClient there = listen(b, "6", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}")) {
            // deleted in the store without an announcement (as if both replicas missed it), then made again
            TestRedis.shared().command("HDEL", dev.switchboard.registry.RedisKeys.functions(""), "tools");
            replicas.register(a, "tools", "mcp", replicas.functionEndpoint());
            // a new function of the same name: what followed the old one ends on both replicas
            for (SseClient stream : List.of(here, there)) {
                JsonNode last = next(stream);
                assertThat(last.path("result").path("resultType").asText())
                        .as(last.toString())
                        .isEqualTo("complete");
                assertThat(stream.awaitEnd(WAIT)).isTrue();
            }
            // and the new registration is served: listening again works
            listen(b, "7", "{\"toolsListChanged\":true}", "{\"toolsListChanged\":true}")
                    .close();
        }
    }

    @Test
    void malformedListenRequestsGetDocumentedErrors() {
        // the filter
        refused(listenBody("1", "[]"), modernHeaders("subscriptions/listen"), 400, -32602, "1");
        refused(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"subscriptions/listen\",\"params\":{" + META + "}}",
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "2");
        refused(
                listenBody("3", "{\"toolsListChanged\":\"yes\"}"),
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "3");
        refused(
                listenBody("4", "{\"resourceSubscriptions\":\"test://a\"}"),
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "4");
        JsonNode tooMany = refused(
                listenBody("5", "{\"resourceSubscriptions\":[\"test://a\",\"test://b\",\"test://c\"]}"),
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "5");
        assertThat(tooMany.path("error").path("message").asText()).contains("MAX_MCP_SUBSCRIPTIONS");
        refused(
                listenBody("6", "{\"resourceSubscriptions\":[\"\"]}"),
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "6");
        // the 2026-07-28 per-request rules
        Map<String, String> noVersion = modernHeaders("subscriptions/listen");
        noVersion.remove("MCP-Protocol-Version");
        refused(listenBody("7", "{}"), noVersion, 400, -32020, "7");
        Map<String, String> wrongMethod = modernHeaders("tools/list");
        refused(listenBody("8", "{}"), wrongMethod, 400, -32020, "8");
        Map<String, String> future = modernHeaders("subscriptions/listen");
        future.put("MCP-Protocol-Version", "2099-01-01");
        JsonNode unsupported =
                refused(listenBody("9", "{}").replace("2026-07-28", "2099-01-01"), future, 400, -32022, "9");
        assertThat(unsupported
                        .path("error")
                        .path("data")
                        .path("supported")
                        .get(0)
                        .asText())
                .isEqualTo("2026-07-28");
        refused(
                listenBody("10", "{}").replace("\"io.modelcontextprotocol/clientCapabilities\":{},", ""),
                modernHeaders("subscriptions/listen"),
                400,
                -32602,
                "10");
        Map<String, String> jsonOnly = modernHeaders("subscriptions/listen");
        jsonOnly.put("Accept", "application/json");
        refused(listenBody("11", "{}"), jsonOnly, 406, -32600, "11");
        // an empty filter is acknowledged as empty: a stream of keep-alives until the client leaves
        try (SseClient empty = listen(a, "12", "{}", "{}")) {
            assertThat(empty.pending()).isEmpty();
        }
    }

    private JsonNode refused(String body, Map<String, String> headers, int status, int code, String id) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        Http.Answer r = Http.send("POST", mcp(a), body, all);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json();
        assertThat(error.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(error.path("id")).as("the request's id is echoed").isEqualTo(json(id));
        return error;
    }
}
