package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FaultyFunction;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listeners' guards over real sockets, from several loopback source addresses: a connection that
 * sends no head is closed on every listener, one address at its caps (connections awaiting a head,
 * open streams) is refused with a documented 429 while another is served, and liveness tells when a
 * listener is gone.
 */
class ListenerGuardsTest {
    private static final String STREAM_REQUEST = "GET /sse/%s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
    private static final String LEGACY_MCP_REQUEST =
            "GET /mcp/tools/sse HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n";
    private final List<AutoCloseable> open = new ArrayList<>();
    private Gateway gateway;

    private Gateway start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(
                TestGateways.local("STREAM_PORT", "0", "SHUTDOWN_GRACE", "0s", "HEARTBEAT_INTERVAL", "500ms"));
        env.putAll(extra);
        gateway = Gateway.start(GatewayConfig.from(env));
        return gateway;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private RawConnection connect(String from, int port) {
        RawConnection c = RawConnection.open(from, port);
        open.add(c);
        return c;
    }

    private int streamPort() {
        return gateway.streamPort().orElseThrow();
    }

    @Test
    void aConnectionThatSendsNoHeadIsClosedOnEveryListener() {
        start(Map.of("REQUEST_HEAD_TIMEOUT", "1s"));
        RawConnection publicSilent = connect("127.0.0.1", gateway.port());
        RawConnection publicHalf = connect("127.0.0.1", gateway.port()).send("GET /sse/half HTTP/1.1\r\nHost: x\r\n");
        RawConnection adminSilent = connect("127.0.0.1", gateway.adminPort());
        RawConnection streamSilent = connect("127.0.0.1", streamPort());
        for (RawConnection c : List.of(publicSilent, publicHalf, adminSilent, streamSilent)) {
            assertThat(c.closedWithin(Duration.ofSeconds(4)))
                    .as("closed after REQUEST_HEAD_TIMEOUT")
                    .isTrue();
        }
    }

    @Test
    void keptAliveConnectionsLeaveTheAdminListenerToItsProbes() {
        // 64 connections that each asked once and then stayed silent took every connection of the admin listener
        start(Map.of());
        for (int i = 0; i < 70; i++) {
            connect("127.0.3.1", gateway.adminPort())
                    .send("GET /health/live HTTP/1.1\r\nHost: a\r\n\r\n")
                    .readUntil("\r\n\r\n", Duration.ofMillis(200));
        }
        RawConnection probe = connect("127.0.0.1", gateway.adminPort())
                .send("GET /health/live HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertThat(probe.readUntil("\r\n", Duration.ofSeconds(3)))
                .as("a probe is answered: the oldest silent connections were shed for it")
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void aKeptAliveConnectionSilentPastTheHeadTimeoutIsClosedOnTheAdminListener() {
        start(Map.of("REQUEST_HEAD_TIMEOUT", "1s"));
        RawConnection kept =
                connect("127.0.0.1", gateway.adminPort()).send("GET /health/live HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(kept.readUntil("\r\n", Duration.ofSeconds(3))).startsWith("HTTP/1.1 200");
        // the next head, a byte at a time: it is no more whole within REQUEST_HEAD_TIMEOUT than silence is
        kept.send("G");
        assertThat(kept.closedWithin(Duration.ofSeconds(4)))
                .as("closed after REQUEST_HEAD_TIMEOUT")
                .isTrue();
    }

    @Test
    void aBodyTrickledPastTheHeadTimeoutEndsItsConnectionOnTheAdminListener() throws InterruptedException {
        // 64 such connections took every connection of the admin listener, its probes' included
        start(Map.of("REQUEST_HEAD_TIMEOUT", "1s"));
        List<RawConnection> trickling = new ArrayList<>();
        for (String path : List.of("/health/live", "/admin/functions")) {
            trickling.add(connect("127.0.0.1", gateway.adminPort())
                    .send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n{"));
        }
        long until = System.nanoTime() + Duration.ofMillis(3500).toNanos();
        while (System.nanoTime() < until) {
            Thread.sleep(300);
            for (RawConnection c : trickling) {
                c.send(" ");
            }
        }
        for (RawConnection c : trickling) {
            assertThat(c.closedWithin(Duration.ofMillis(500)))
                    .as("closed a moment after REQUEST_HEAD_TIMEOUT though bytes kept coming: %s", c.text())
                    .isTrue();
        }
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/health/live")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnreadOnTheAdminListener() {
        // read on, what the client sent as its body was taken for requests of their own
        start(Map.of("MAX_BODY_SIZE", "1KiB"));
        String hidden = "GET /admin/functions HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = connect("127.0.0.1", gateway.adminPort())
                .send("POST /admin/functions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2000\r\n\r\n" + hidden + "x".repeat(2000 - hidden.length()))
                .readUntil(null, Duration.ofSeconds(3));
        assertThat(answer)
                .startsWith("HTTP/1.1 413 ")
                .contains("\"code\":\"PAYLOAD_TOO_LARGE\"")
                .contains("Connection: close");
        assertThat(answer.indexOf("HTTP/1.1 ", 1)).as("one answer: %s", answer).isEqualTo(-1);
        assertThat(answer).as("the limit, as the public listener says it").contains("\"limit_bytes\":1024");

        // chunked, the limit is met while reading: the same answer, not a framing error
        String chunk = "{\"name\":\"" + "x".repeat(1500) + "\"}";
        String chunked = connect("127.0.0.1", gateway.adminPort())
                .send("POST /admin/functions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk
                        + "\r\n0\r\n\r\n")
                .readUntil(null, Duration.ofSeconds(3));
        assertThat(chunked)
                .startsWith("HTTP/1.1 413 ")
                .contains("\"code\":\"PAYLOAD_TOO_LARGE\"")
                .contains("\"limit_bytes\":1024")
                .contains("Connection: close");
    }

    @Test
    void streamsAndSlowCallsOutliveTheHeadTimeout() {
        start(Map.of("REQUEST_HEAD_TIMEOUT", "1s", "FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8"));
        try (SseClient stream = SseClient.open("http://127.0.0.1:" + gateway.port() + "/sse/long")) {
            assertThat(stream.nextNonHeartbeat(Duration.ofSeconds(5)).type()).isEqualTo("connected");
            long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(stream.next(Duration.ofSeconds(2)).type()).isEqualTo("heartbeat");
            }
        }
        // a call that takes twice the head timeout gets its own answer, not a closed connection
        FaultyFunction hang = FaultyFunction.start(FaultyFunction.Fault.HANG);
        open.add(hang);
        assertThat(Http.postJson(
                                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                                "{\"name\":\"hang\",\"endpoint\":\"" + hang.url() + "\",\"timeout\":\"2s\"}")
                        .status())
                .isEqualTo(201);
        Http.Answer slow = Http.postJson("http://127.0.0.1:" + gateway.port() + "/invoke/hang", "{\"payload\":1}");
        assertThat(slow.status()).as(slow.body()).isEqualTo(504);
        assertThat(slow.json().path("code").asText()).isEqualTo("TIMEOUT");
    }

    @Test
    void oneAddressAtItsPendingHeadCapDoesNotLockOutAnother() throws InterruptedException {
        start(Map.of("MAX_PENDING_HEADS_PER_IP", "3"));
        for (int port : List.of(gateway.port(), streamPort(), gateway.adminPort())) {
            for (int i = 0; i < 3; i++) {
                connect("127.0.0.2", port);
            }
            // a head counts against its address once it is a second late: until then a new connection is heard
            String refused = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!refused.contains(" 429 ") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                refused = connect("127.0.0.2", port)
                        .send(String.format(STREAM_REQUEST, "greedy"))
                        .readUntil("}", Duration.ofSeconds(2));
            }
            assertThat(refused)
                    .as("port %d", port)
                    .startsWith("HTTP/1.1 429 ")
                    .contains("\"code\":\"TOO_MANY_CONNECTIONS_FROM_ADDRESS\"");
            if (port == gateway.adminPort()) {
                continue; // the admin listener serves no streams
            }
            String served = connect("127.0.0.3", port)
                    .send(String.format(STREAM_REQUEST, "neighbour-" + port))
                    .readUntil("event: connected", Duration.ofSeconds(5));
            assertThat(served)
                    .as("another address on port %d", port)
                    .startsWith("HTTP/1.1 200 ")
                    .contains("event: connected");
        }
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                        .body())
                .contains("switchboard_auth_refused_total{code=\"TOO_MANY_CONNECTIONS_FROM_ADDRESS\"}");
    }

    @Test
    void aBurstFromOneAddressIsServedWholeWhenItsHeadsComeInTime() throws InterruptedException {
        // a NAT'ed office or an agent with many parallel calls: far more connections at once than the cap, each
        // with its head on the way. Counted at accept, all but three were refused.
        start(Map.of("MAX_PENDING_HEADS_PER_IP", "3"));
        for (int port : List.of(gateway.port(), gateway.adminPort())) {
            List<RawConnection> burst = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                burst.add(connect("127.0.0.2", port));
            }
            Thread.sleep(200); // each accepted before any head is sent
            boolean admin = port == gateway.adminPort();
            for (int i = 0; i < burst.size(); i++) {
                burst.get(i)
                        .send(
                                admin
                                        ? "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                        : String.format(STREAM_REQUEST, "burst-" + i));
            }
            for (int i = 0; i < burst.size(); i++) {
                assertThat(burst.get(i).readUntil(admin ? "}}" : "event: connected", Duration.ofSeconds(5)))
                        .as("connection %d of the burst on port %d", i + 1, port)
                        .startsWith("HTTP/1.1 200 ");
            }
        }
    }

    @Test
    void silentConnectionsBeyondTheCapAreRefusedOnceOverdue() {
        start(Map.of("MAX_PENDING_HEADS_PER_IP", "3"));
        for (int port : List.of(streamPort(), gateway.adminPort())) {
            List<RawConnection> silent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                silent.add(connect("127.0.0.2", port));
            }
            // the three oldest are counted, the two youngest refused: an address keeps at most its cap of late heads
            for (RawConnection refused : silent.subList(3, 5)) {
                assertThat(refused.readUntil("}", Duration.ofSeconds(4)))
                        .as("port %d", port)
                        .startsWith("HTTP/1.1 429 ")
                        .contains("\"code\":\"TOO_MANY_CONNECTIONS_FROM_ADDRESS\"");
            }
            for (RawConnection counted : silent.subList(0, 3)) {
                assertThat(counted.closedWithin(Duration.ofMillis(100)))
                        .as("port %d", port)
                        .isFalse();
                assertThat(counted.text()).isEmpty();
            }
        }
    }

    @Test
    void oneAddressAtItsStreamCapDoesNotLockOutAnother() throws Exception {
        start(Map.of("MAX_STREAMS_PER_IP", "2"));
        // one budget for both listeners
        assertThat(stream("127.0.0.2", gateway.port(), "s1")).startsWith("HTTP/1.1 200 ");
        assertThat(stream("127.0.0.2", streamPort(), "s2")).startsWith("HTTP/1.1 200 ");
        for (int port : List.of(gateway.port(), streamPort())) {
            assertThat(stream("127.0.0.2", port, "s3"))
                    .as("port %d", port)
                    .startsWith("HTTP/1.1 429 ")
                    .contains("\"code\":\"TOO_MANY_STREAMS_FROM_ADDRESS\"");
            assertThat(stream("127.0.0.3", port, "other-" + port))
                    .as("another address, port %d", port)
                    .startsWith("HTTP/1.1 200 ");
        }
        // a stream that ends gives its place back
        open.remove(0).close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String again = "";
        while (!again.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline) {
            again = stream("127.0.0.2", streamPort(), "s4");
        }
        assertThat(again).startsWith("HTTP/1.1 200 ");
    }

    /** A 2026-07-28 listen request, sent from {@code from}. */
    private RawConnection listen(String from, int port) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"subscriptions/listen\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}},\"notifications\":{\"toolsListChanged\":true}}}";
        return connect(from, port)
                .send("POST /mcp/tools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                        + "Mcp-Method: subscriptions/listen\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    @Test
    void mcpStreamsCountAgainstTheSameAddressBudget() {
        McpFunctionStub mcp = McpFunctionStub.start(false);
        open.add(mcp);
        start(Map.of("MAX_STREAMS_PER_IP", "2", "FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8"));
        assertThat(Http.postJson(
                                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\"}")
                        .status())
                .isEqualTo(201);
        RawConnection first = connect("127.0.0.2", gateway.port());
        assertThat(first.send(LEGACY_MCP_REQUEST).readUntil("\n\n", Duration.ofSeconds(5)))
                .startsWith("HTTP/1.1 200 ");
        assertThat(stream("127.0.0.2", gateway.port(), "s1")).startsWith("HTTP/1.1 200 ");
        // the third stream of 127.0.0.2 is refused, whichever kind it is; under /mcp/ with a JSON-RPC error
        assertThat(legacyMcpStream("127.0.0.2"))
                .startsWith("HTTP/1.1 429 ")
                .contains("\"jsonrpc\":\"2.0\"")
                .contains("\"code\":-32000")
                .contains("MAX_STREAMS_PER_IP");
        assertThat(stream("127.0.0.2", streamPort(), "s2")).startsWith("HTTP/1.1 429 ");
        // HTTP+SSE on the stream listener is counted alike, and refused with the same JSON-RPC error
        assertThat(connect("127.0.0.2", streamPort())
                        .send(LEGACY_MCP_REQUEST)
                        .readUntil("MAX_STREAMS_PER_IP", Duration.ofSeconds(5)))
                .startsWith("HTTP/1.1 429 ")
                .contains("\"code\":-32000");
        // a POST holds no stream: an address at its cap still initializes on either listener
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        for (int port : List.of(gateway.port(), streamPort())) {
            assertThat(connect("127.0.0.2", port)
                            .send("POST /mcp/tools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Accept: application/json\r\nContent-Length: " + initialize.length()
                                    + "\r\n\r\n" + initialize)
                            .readUntil("\"result\"", Duration.ofSeconds(5)))
                    .as("POST at the stream cap, port %d", port)
                    .startsWith("HTTP/1.1 200 ");
        }
        // a listen request holds a stream: refused at the cap, on either listener, with the same JSON-RPC error
        for (int port : List.of(gateway.port(), streamPort())) {
            assertThat(listen("127.0.0.2", port).readUntil("MAX_STREAMS_PER_IP", Duration.ofSeconds(5)))
                    .as("listen at the stream cap, port %d", port)
                    .startsWith("HTTP/1.1 429 ")
                    .contains("\"code\":-32000");
        }
        assertThat(listen("127.0.0.4", gateway.port()).readUntil("acknowledged", Duration.ofSeconds(5)))
                .as("another address listens")
                .startsWith("HTTP/1.1 200 ");
        assertThat(legacyMcpStream("127.0.0.3")).as("another address").startsWith("HTTP/1.1 200 ");
        assertThat(connect("127.0.0.3", streamPort())
                        .send(LEGACY_MCP_REQUEST)
                        .readUntil("event: endpoint", Duration.ofSeconds(5)))
                .as("another address, on the stream listener")
                .startsWith("HTTP/1.1 200 ");
        // an MCP stream that ends gives its place back
        first.close();
        String again = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!again.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline) {
            again = stream("127.0.0.2", streamPort(), "s3");
        }
        assertThat(again).startsWith("HTTP/1.1 200 ");
    }

    private String legacyMcpStream(String from) {
        return connect(from, gateway.port()).send(LEGACY_MCP_REQUEST).readUntil("\n\n", Duration.ofSeconds(5));
    }

    private String stream(String from, int port, String client) {
        return connect(from, port)
                .send(String.format(STREAM_REQUEST, client))
                .readUntil("event: connected", Duration.ofSeconds(5));
    }

    @Test
    void livenessTurnsDownWhenAListenerIsGone() {
        start(Map.of());
        String admin = "http://127.0.0.1:" + gateway.adminPort();
        Http.Answer live = Http.get(admin + "/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().path("checks").path("listener_public").asText()).isEqualTo("UP");
        assertThat(live.json().path("checks").path("listener_stream").asText()).isEqualTo("UP");

        gateway.streamListener().orElseThrow().close();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Http.Answer down = Http.get(admin + "/health/live");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().path("checks").path("listener_stream").asText())
                    .isEqualTo("DOWN");
            assertThat(Http.get(admin + "/health/ready").status()).isEqualTo(503);
        });
    }
}
