package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.Http.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.examples.mcp.McpFunction;
import dev.switchboard.examples.mcp.Pusher;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.KeptAliveConnection;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole Streamable HTTP endpoint on the stream listener ({@code /mcp/{name}} on {@code STREAM_PORT}), so that a
 * client needs one URL: a session run on {@code STREAM_PORT} alone, over real sockets, a real Redis and the example
 * MCP function; its refusals answered exactly as on the public listener; and the official MCP Java SDK client given
 * only the {@code STREAM_PORT} URL.
 */
class McpStreamPortEndpointTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    private static final String PUSHER_KEY = "pk-tools-0123456789abcdef0123456789";
    private static final String NEWS_KEY = "pk-news-0123456789abcdef0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final int MAX_BODY = 64 * 1024;
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private Gateway gateway;
    private HttpServer function;

    @BeforeEach
    void start() throws Exception {
        TestRedis.shared().flush();
        Map<String, String> env = new HashMap<>(TestGateways.callingLoopback(
                "STREAM_PORT",
                "0",
                "ADMIN_TOKEN",
                ADMIN_TOKEN,
                "HEARTBEAT_INTERVAL",
                "1s",
                "MAX_BODY_SIZE",
                String.valueOf(MAX_BODY),
                "MCP_ALLOWED_ORIGINS",
                "http://app.example"));
        env.put("REDIS_URL", TestRedis.shared().url());
        // publisher keys: one may push to the tools server (and to a name nothing is registered as), one may not
        env.put(
                "API_KEYS",
                "pusher:" + ApiKeyHash.of(PUSHER_KEY) + ":publish=mcp:tools|mcp:nothing,news:" + ApiKeyHash.of(NEWS_KEY)
                        + ":publish=news");
        // bounds a body as a whole, not only each read (aBodyDrippedInSlowerThanTheTimeOutIsRefused)
        env.put("REQUEST_HEAD_TIMEOUT", "2s");
        // longer than the head's: a kept-alive connection's silence between requests is bounded by this one
        env.put("KEEP_ALIVE_TIMEOUT", "3s");
        gateway = Gateway.start(GatewayConfig.from(env));
        function = McpFunction.start(
                "127.0.0.1",
                0,
                new byte[32],
                new Pusher(
                        URI.create("http://127.0.0.1:" + gateway.adminPort() + "/publish/mcp/tools"),
                        Map.of("Authorization", "Bearer " + ADMIN_TOKEN)));
        Http.Answer r = Http.send(
                "POST",
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"http://127.0.0.1:"
                        + function.getAddress().getPort() + "/mcp\",\"timeout\":\"5s\"}",
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        await().atMost(WAIT).until(() -> Http.get(url(gateway.port())).status() == 405);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.stop(0);
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port + "/mcp/tools";
    }

    private String streamUrl() {
        return url(gateway.streamPort().orElseThrow());
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static Map<String, String> inSession(String session) {
        return Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH, "Mcp-Session-Id", session);
    }

    private static String initialize(String url) {
        Http.Answer r =
                Http.send("POST", url, INITIALIZE, Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).path("result").path("protocolVersion").asText())
                .isEqualTo("2025-11-25");
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    // ---- a session on STREAM_PORT alone ----

    @Test
    void aBodyDrippedInSlowerThanTheTimeOutIsRefused() throws Exception {
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp/tools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: " + ACCEPT_BOTH
                            + "\r\nContent-Length: 40\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long start = System.nanoTime();
            // a byte every 400 ms, each gap well inside REQUEST_HEAD_TIMEOUT (2 s): 16 s for the whole body
            Thread dripper = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        Thread.sleep(400);
                        out.write(' ');
                        out.flush();
                    }
                } catch (Exception e) {
                    // refused and closed: the test reads the answer
                }
            });
            byte[] answer = new byte[512];
            int n = socket.getInputStream().read(answer);
            double seconds = (System.nanoTime() - start) / 1e9;
            dripper.interrupt();
            assertThat(n).isPositive();
            assertThat(new String(answer, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 400 ");
            assertThat(seconds)
                    .as("answered at the body's deadline, not after the last byte")
                    .isLessThan(6.0);
        }
    }

    @Test
    void aWholeSessionRunsOnTheStreamListenerAlone() {
        String url = streamUrl();
        String session = initialize(url);

        Http.Answer initialized = Http.send(
                "POST", url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", inSession(session));
        assertThat(initialized.status()).isEqualTo(202);
        assertThat(initialized.body()).isEmpty();

        // a client that takes only JSON gets its answer as JSON (with SSE, a 2025-11-25 session's answer is primed)
        Http.Answer simple = Http.send(
                "POST",
                url,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"test_simple_text\","
                        + "\"arguments\":{}}}",
                with(inSession(session), "Accept", "application/json"));
        assertThat(simple.status()).as(simple.body()).isEqualTo(200);
        assertThat(simple.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(simple.body()).path("id").asInt()).isEqualTo(2);
        assertThat(json(simple.body()).path("result").path("content").isArray()).isTrue();

        // progress first: the answer is an SSE stream, primed, its events resumable by id
        Http.Answer progress = Http.send(
                "POST",
                url,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"test_tool_with_progress\","
                        + "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}",
                inSession(session));
        assertThat(progress.status()).isEqualTo(200);
        assertThat(progress.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<SseClient.Event> events = SseClient.parse(progress.body());
        assertThat(events.getFirst().data()).as("priming event").isEmpty();
        List<JsonNode> messages = events.stream()
                .filter(e -> !e.data().isEmpty())
                .map(e -> json(e.data()))
                .toList();
        assertThat(messages).hasSizeGreaterThanOrEqualTo(2);
        assertThat(messages.getFirst().path("method").asText()).isEqualTo("notifications/progress");
        assertThat(messages.getLast().path("id").asInt()).isEqualTo(3);
        assertThat(messages.getLast().path("result").path("isError").asBoolean())
                .isFalse();

        // a POST stream resumes on the same URL: after its priming event, the rest is replayed to the response
        Http.Answer resumed = Http.send(
                "GET",
                url,
                null,
                Map.of(
                        "Accept",
                        "text/event-stream",
                        "Mcp-Session-Id",
                        session,
                        "Last-Event-ID",
                        events.getFirst().id()));
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        List<SseClient.Event> replayed = SseClient.parse(resumed.body());
        assertThat(json(replayed.getLast().data()).path("id").asInt()).isEqualTo(3);

        try (SseClient stream = SseClient.open(url, Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.next(WAIT).data()).as("priming event").isEmpty();
            Http.Answer pushed = Http.postJson(
                    "http://127.0.0.1:" + gateway.adminPort() + "/publish/mcp/tools",
                    "{\"method\":\"notifications/prompts/list_changed\"}",
                    ADMIN_TOKEN);
            assertThat(pushed.status()).isEqualTo(202);
            SseClient.Event told = stream.next(WAIT);
            assertThat(json(told.data()).path("method").asText()).isEqualTo("notifications/prompts/list_changed");

            Http.Answer deleted = Http.send("DELETE", url, null, Map.of("Mcp-Session-Id", session));
            assertThat(deleted.status()).isEqualTo(204);
            assertThat(stream.awaitEnd(WAIT))
                    .as("the stream ends with its session")
                    .isTrue();
        }
        Http.Answer gone =
                Http.send("POST", url, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", inSession(session));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(json(gone.body()).path("id").asInt())
                .as("the refusal answers the request")
                .isEqualTo(4);
    }

    // ---- one connection, many requests (keep-alive) ----

    private static String post(String body, String... headers) {
        StringBuilder request =
                new StringBuilder("POST /mcp/tools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request.append("Content-Length: ")
                .append(bytes.length)
                .append("\r\n\r\n")
                .append(body)
                .toString();
    }

    private static String toolsCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"test_simple_text\",\"arguments\":{}}}";
    }

    @Test
    void aWholeSessionRunsOnOneKeptAliveConnection() throws Exception {
        try (KeptAliveConnection c =
                new KeptAliveConnection(gateway.streamPort().orElseThrow(), WAIT)) {
            KeptAliveConnection.Answer init =
                    c.send(post(INITIALIZE, "Accept: " + ACCEPT_BOTH)).next();
            assertThat(init.status()).as(init.body()).isEqualTo(200);
            assertThat(init.header("Connection"))
                    .as("kept for the next request")
                    .isNull();
            String session = init.header("Mcp-Session-Id");
            assertThat(session).isNotNull();
            String inSession = "Mcp-Session-Id: " + session;

            KeptAliveConnection.Answer initialized = c.send(post(
                            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                            "Accept: " + ACCEPT_BOTH,
                            inSession))
                    .next();
            assertThat(initialized.status()).isEqualTo(202);

            // an SSE answer is chunked on a kept-alive connection: the priming event in the head's write, the
            // response with the last chunk (a client that also takes JSON gets JSON for a call answered at once)
            KeptAliveConnection.Answer call = c.send(post(toolsCall(2), "Accept: text/event-stream", inSession))
                    .next();
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(call.header("Content-Type")).startsWith("text/event-stream");
            List<SseClient.Event> events = SseClient.parse(call.body());
            assertThat(events.getFirst().data()).as("priming event").isEmpty();
            assertThat(json(events.getLast().data()).path("id").asInt()).isEqualTo(2);
            assertThat(call.chunks()).as("one chunk per event").isEqualTo(2);

            // two requests in one write (pipelined): answered in order on the same connection
            KeptAliveConnection.Answer list;
            KeptAliveConnection.Answer json;
            c.send(post(
                            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}",
                            "Accept: application/json",
                            inSession)
                    + post(toolsCall(4), "Accept: application/json", inSession));
            list = c.next();
            json = c.next();
            assertThat(json(list.body()).path("id").asInt()).isEqualTo(3);
            assertThat(json(list.body()).path("result").path("tools").isArray()).isTrue();
            assertThat(json(json.body()).path("id").asInt()).isEqualTo(4);

            KeptAliveConnection.Answer deleted = c.send(
                            "DELETE /mcp/tools HTTP/1.1\r\nHost: x\r\n" + inSession + "\r\n\r\n")
                    .next();
            assertThat(deleted.status()).isEqualTo(204);
            KeptAliveConnection.Answer gone = c.send(post(
                            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}",
                            "Accept: " + ACCEPT_BOTH,
                            inSession))
                    .next();
            assertThat(gone.status()).isEqualTo(404);

            // silent for longer than REQUEST_HEAD_TIMEOUT (2 s) but within KEEP_ALIVE_TIMEOUT (3 s): still usable
            Thread.sleep(2500);
            assertThat(c.send(post(
                                    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}",
                                    "Accept: " + ACCEPT_BOTH,
                                    inSession))
                            .next()
                            .status())
                    .isEqualTo(404);

            // a kept-alive connection that says nothing more is closed after KEEP_ALIVE_TIMEOUT
            long start = System.nanoTime();
            assertThat(c.closedWithin(Duration.ofSeconds(6))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void aNextRequestBegunOnAKeptAliveConnectionHasTheHeadTimeOutToArriveWhole() throws Exception {
        try (KeptAliveConnection c =
                new KeptAliveConnection(gateway.streamPort().orElseThrow(), Duration.ofSeconds(5))) {
            assertThat(c.send(post(INITIALIZE, "Accept: application/json"))
                            .next()
                            .status())
                    .isEqualTo(200);
            // the first bytes of a head, then nothing: REQUEST_HEAD_TIMEOUT (2 s) from them, not KEEP_ALIVE_TIMEOUT
            c.send("POST /mcp/tools HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            assertThat(c.closedWithin(Duration.ofSeconds(6))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThan(Duration.ofMillis(1500))
                    .isLessThan(Duration.ofMillis(2900));
        }
    }

    @Test
    void aStreamAskedForOnAKeptAliveConnectionIsHeldByTheLoop() {
        try (RawConnection c =
                RawConnection.open("127.0.0.1", gateway.streamPort().orElseThrow())) {
            c.send(post(INITIALIZE, "Accept: application/json")).readUntil("\"serverInfo\"", WAIT);
            // the rest of the answer: the connection stays open, so this ends when the time is up
            String init = c.readUntil(null, Duration.ofMillis(300));
            java.util.regex.Matcher session = java.util.regex.Pattern.compile("(?i)mcp-session-id: (\\S+)")
                    .matcher(init);
            assertThat(session.find()).as(init).isTrue();
            // the POST's thread waits for the next request; a standalone GET stream goes back to the loop
            String stream = c.send("GET /mcp/tools HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                            + "Mcp-Session-Id: " + session.group(1) + "\r\n\r\n")
                    .readUntil("\ndata:", WAIT);
            assertThat(stream.substring(init.length()))
                    .startsWith("HTTP/1.1 200 ")
                    .contains("text/event-stream")
                    .contains("\nid: ");
            await().atMost(WAIT).until(() -> gateway.hub().count() == 1);
        }
    }

    @Test
    void aClientThatAsksToCloseAndARequestWhoseBodyWasNotReadEndTheConnection() throws Exception {
        int port = gateway.streamPort().orElseThrow();
        String session = initialize(streamUrl());
        try (KeptAliveConnection c = new KeptAliveConnection(port, WAIT)) {
            KeptAliveConnection.Answer answer = c.send(post(
                            toolsCall(1),
                            "Accept: text/event-stream",
                            "Mcp-Session-Id: " + session,
                            "Connection: close"))
                    .next();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(answer.header("Transfer-Encoding"))
                    .as("delimited by the close")
                    .isNull();
            assertThat(json(SseClient.parse(answer.body()).getLast().data())
                            .path("id")
                            .asInt())
                    .isEqualTo(1);
            assertThat(c.closedWithin(WAIT)).isTrue();
        }
        try (KeptAliveConnection c = new KeptAliveConnection(port, WAIT)) {
            // refused on its Origin before its body is read: the rest of the body must not be read as a request
            KeptAliveConnection.Answer refused = c.send(post(
                            toolsCall(1),
                            "Accept: " + ACCEPT_BOTH,
                            "Mcp-Session-Id: " + session,
                            "Origin: http://evil.example"))
                    .next();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("Connection")).isEqualTo("close");
            assertThat(c.closedWithin(WAIT)).isTrue();
        }
    }

    @Test
    void aHeadTooLargeAfterAKeptAliveExchangeIsRefusedAsOnANewConnection() throws Exception {
        String session = initialize(streamUrl());
        try (KeptAliveConnection c =
                new KeptAliveConnection(gateway.streamPort().orElseThrow(), WAIT)) {
            KeptAliveConnection.Answer first = c.send(
                            post(toolsCall(1), "Accept: " + ACCEPT_BOTH, "Mcp-Session-Id: " + session))
                    .next();
            assertThat(first.status()).isEqualTo(200);
            // read by the exchange's thread, grown past its first buffer, then handed back to the loop, which refuses
            KeptAliveConnection.Answer refused = c.send(post(
                            toolsCall(2),
                            "Accept: " + ACCEPT_BOTH,
                            "Mcp-Session-Id: " + session,
                            "X-Padding: " + "p".repeat(17 * 1024)))
                    .next();
            assertThat(refused.status()).isEqualTo(431);
            assertThat(json(refused.body()).path("code").asText()).isEqualTo("HEAD_TOO_LARGE");
            assertThat(c.closedWithin(WAIT)).isTrue();
        }
    }

    @Test
    void chunkedBodiesAndExpectContinueAreReadAsOnThePublicListener() {
        String chunked = "POST /mcp/tools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: "
                + ACCEPT_BOTH + "\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                + Integer.toHexString(20) + "\r\n" + INITIALIZE.substring(0, 20) + "\r\n"
                + Integer.toHexString(INITIALIZE.length() - 20) + "\r\n" + INITIALIZE.substring(20) + "\r\n0\r\n\r\n";
        for (int port : List.of(gateway.port(), gateway.streamPort().orElseThrow())) {
            try (RawConnection c = RawConnection.open("127.0.0.1", port)) {
                String answer = c.send(chunked).readUntil("\"protocolVersion\"", WAIT);
                assertThat(answer).as("port " + port).contains(" 200 ").containsIgnoringCase("Mcp-Session-Id: ");
            }
        }
    }

    @Test
    void aBatchOfA2025_03_26SessionIsAnsweredOnTheStreamListener() {
        Http.Answer init = Http.send(
                "POST",
                streamUrl(),
                INITIALIZE.replace("2025-11-25", "2025-03-26"),
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        Http.Answer batch = Http.send(
                "POST",
                streamUrl(),
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},"
                        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]",
                inSession(session));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        JsonNode answers = json(batch.body());
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).extracting(a -> a.path("id").asInt()).containsExactlyInAnyOrder(1, 2);
    }

    // ---- refusals: the same status, JSON-RPC code and id on both listeners ----

    private record Case(String name, String method, String path, String body, Map<String, String> headers) {}

    @Test
    void refusalsAnswerExactlyAsOnThePublicListener() {
        String session = initialize(streamUrl());
        String list = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}";
        Map<String, String> json = Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH);
        List<Case> cases = List.of(
                new Case("unknown session", "POST", "tools", list, with(json, "Mcp-Session-Id", "no-such-session")),
                new Case("no session", "POST", "tools", list, json),
                new Case("bad JSON", "POST", "tools", "{\"jsonrpc\":", with(json, "Mcp-Session-Id", session)),
                new Case("not a message", "POST", "tools", "42", with(json, "Mcp-Session-Id", session)),
                new Case(
                        "oversized body",
                        "POST",
                        "tools",
                        "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"params\":{\"x\":\"" + "x".repeat(MAX_BODY)
                                + "\"}}",
                        with(json, "Mcp-Session-Id", session)),
                new Case(
                        "origin not allowed",
                        "POST",
                        "tools",
                        list,
                        with(with(json, "Mcp-Session-Id", session), "Origin", "http://evil.example")),
                new Case(
                        "neither JSON nor SSE accepted",
                        "POST",
                        "tools",
                        list,
                        Map.of("Content-Type", "application/json", "Accept", "text/html", "Mcp-Session-Id", session)),
                new Case(
                        "unsupported version",
                        "POST",
                        "tools",
                        list,
                        with(with(json, "Mcp-Session-Id", session), "MCP-Protocol-Version", "1999-01-01")),
                new Case("unknown server", "POST", "nothing", INITIALIZE, json),
                new Case(
                        "2026-07-28 listen without Mcp-Method",
                        "POST",
                        "tools",
                        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"subscriptions/listen\",\"params\":{\"_meta\":"
                                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                        with(json, "MCP-Protocol-Version", "2026-07-28")),
                new Case("DELETE without a session", "DELETE", "tools", null, Map.of()),
                new Case("DELETE of an unknown session", "DELETE", "tools", null, Map.of("Mcp-Session-Id", "nope")),
                new Case("PUT", "PUT", "tools", list, json),
                new Case(
                        "resume of an unknown POST stream",
                        "GET",
                        "tools",
                        null,
                        Map.of("Mcp-Session-Id", "nope", "Last-Event-ID", "abc/1-0", "Accept", "text/event-stream")));
        for (Case c : cases) {
            Http.Answer public_ = Http.send(c.method(), on(gateway.port(), c), c.body(), c.headers());
            Http.Answer streams =
                    Http.send(c.method(), on(gateway.streamPort().orElseThrow(), c), c.body(), c.headers());
            assertThat(public_.status()).as(c.name() + ": " + public_.body()).isBetween(400, 499);
            assertThat(streams.status()).as(c.name() + ": " + streams.body()).isEqualTo(public_.status());
            JsonNode expected = json(public_.body());
            JsonNode actual = json(streams.body());
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
        assertThat(Http.send("POST", streamUrl(), "{\"jsonrpc\":", with(json, "Mcp-Session-Id", session))
                        .status())
                .isEqualTo(400);
        Http.Answer parse = Http.send("POST", streamUrl(), "{\"jsonrpc\":", with(json, "Mcp-Session-Id", session));
        assertThat(json(parse.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        Http.Answer large = Http.send(
                "POST", streamUrl(), "[" + "1,".repeat(MAX_BODY) + "1]", with(json, "Mcp-Session-Id", session));
        assertThat(large.status()).isEqualTo(413);
    }

    @Test
    void corsOnTheStreamListenerMatchesThePublicListener() {
        Map<String, String> preflight = Map.of(
                "Origin", "http://app.example",
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type, mcp-session-id");
        Http.Answer public_ = Http.send("OPTIONS", url(gateway.port()), null, preflight);
        Http.Answer streams = Http.send("OPTIONS", streamUrl(), null, preflight);
        assertThat(streams.status()).isEqualTo(public_.status()).isEqualTo(204);
        for (String header : List.of(
                "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")) {
            assertThat(streams.headers().firstValue(header))
                    .as(header)
                    .isEqualTo(public_.headers().firstValue(header));
        }
        // a page reads the initialize's session id
        Http.Answer init = Http.send(
                "POST",
                streamUrl(),
                INITIALIZE,
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH, "Origin", "http://app.example"));
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.headers().firstValue("Access-Control-Allow-Origin")).contains("http://app.example");
        assertThat(init.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .containsIgnoringCase("Mcp-Session-Id");
    }

    // ---- the push path on the same URL ----

    @Test
    void aServerPushesToItsSessionsThroughTheStreamListenerAsThroughThePublicOne() {
        String session = initialize(streamUrl());
        String listChanged = "{\"method\":\"notifications/tools/list_changed\"}";
        Map<String, String> pusher = Map.of("Content-Type", "application/json", "X-API-Key", PUSHER_KEY);
        try (SseClient stream =
                SseClient.open(streamUrl(), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.next(WAIT).data()).as("priming event").isEmpty();
            Http.Answer pushed =
                    Http.send("POST", pushUrl(gateway.streamPort().orElseThrow(), "tools"), listChanged, pusher);
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
            assertThat(json(pushed.body()).path("sessions").asInt()).isEqualTo(1);
            assertThat(json(pushed.body()).path("method").asText()).isEqualTo("notifications/tools/list_changed");
            SseClient.Event event = stream.next(WAIT);
            while (event.data().isEmpty()) {
                event = stream.next(WAIT);
            }
            assertThat(json(event.data()).path("method").asText()).isEqualTo("notifications/tools/list_changed");
        }

        Map<String, String> anonymous = Map.of("Content-Type", "application/json");
        Map<String, String> news = Map.of("Content-Type", "application/json", "X-API-Key", NEWS_KEY);
        List<PushCase> cases = List.of(
                new PushCase("no credential", "POST", "tools", listChanged, anonymous, 401, "PUBLISH_UNAUTHORIZED"),
                new PushCase("a grant for another name", "POST", "tools", listChanged, news, 403, "PUBLISH_FORBIDDEN"),
                new PushCase("no such server", "POST", "nothing", listChanged, pusher, 404, "MCP_SERVER_NOT_FOUND"),
                new PushCase(
                        "not a notification",
                        "POST",
                        "tools",
                        "{\"method\":\"tools/call\"}",
                        pusher,
                        400,
                        "INVALID_NOTIFICATION"),
                new PushCase("not JSON", "POST", "tools", "{nope", pusher, 400, "INVALID_JSON"),
                new PushCase("GET", "GET", "tools", null, pusher, 405, "METHOD_NOT_ALLOWED"));
        for (PushCase c : cases) {
            Http.Answer public_ = Http.send(c.method(), pushUrl(gateway.port(), c.server()), c.body(), c.headers());
            Http.Answer streams = Http.send(
                    c.method(), pushUrl(gateway.streamPort().orElseThrow(), c.server()), c.body(), c.headers());
            assertThat(streams.status()).as(c.name() + ": " + streams.body()).isEqualTo(c.status());
            assertThat(public_.status()).as(c.name() + ": " + public_.body()).isEqualTo(c.status());
            assertThat(json(streams.body()).path("code").asText()).as(c.name()).isEqualTo(c.code());
            assertThat(json(streams.body()).path("message").asText())
                    .as(c.name())
                    .isEqualTo(json(public_.body()).path("message").asText());
            for (String header : List.of("Allow", "WWW-Authenticate")) {
                assertThat(streams.headers().firstValue(header))
                        .as(c.name() + ": " + header)
                        .isEqualTo(public_.headers().firstValue(header));
            }
        }
    }

    private static String pushUrl(int port, String server) {
        return "http://127.0.0.1:" + port + "/publish/mcp/" + server;
    }

    private record PushCase(
            String name,
            String method,
            String server,
            String body,
            Map<String, String> headers,
            int status,
            String code) {}

    // ---- the official SDK, given the one URL ----

    @Test
    void theJavaSdkClientNeedsOnlyTheStreamListenersUrl() {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(
                                "http://127.0.0.1:" + gateway.streamPort().orElseThrow())
                        .endpoint("/mcp/tools")
                        .build())
                .requestTimeout(WAIT)
                .clientInfo(new McpSchema.Implementation("one-url", "1"))
                .build();
        try {
            McpSchema.InitializeResult initialized = client.initialize();
            assertThat(initialized.serverInfo().name()).isNotEmpty();
            McpReplicas.listsAndCallsTheExampleTool(client);
        } finally {
            client.closeGracefully();
        }
    }

    private static String on(int port, Case c) {
        return "http://127.0.0.1:" + port + "/mcp/" + c.path();
    }
}
