package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.SseClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole API contract with every {@code /sse} request sent to the stream listener ({@code STREAM_PORT}),
 * the event-loop transport, instead of the public listener; plus what only a hand-written HTTP reader
 * must get right: bad heads, wrong methods and paths, and a client that leaves.
 */
class StreamListenerGatewayTest extends GatewayContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("STREAM_PORT", "0");
    }

    @Override
    void resetStore() {
        // each gateway starts with empty memory
    }

    @Override
    String stream(String path) {
        return "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + path;
    }

    @Override
    String invoke(String path) {
        return stream(path);
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            // bounded: an answer that turned into a stream (heartbeats keep it alive) must still end the test
            java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            byte[] buffer = new byte[4096];
            int n;
            while (System.nanoTime() < deadline && (n = in.read(buffer)) >= 0) {
                seen.write(buffer, 0, n);
            }
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void refusesWhatIsNotAStreamRequestWithJsonErrors() throws Exception {
        assertThat(raw("GET /admin/functions HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 404 ")
                .contains("\"code\":\"NOT_FOUND\"");
        assertThat(raw("GET /publish/x HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ")
                .contains("Allow: POST")
                .contains("\"code\":\"METHOD_NOT_ALLOWED\"");
        assertThat(raw("POST /sse/c1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ")
                .contains("Allow: GET")
                .contains("\"code\":\"METHOD_NOT_ALLOWED\"");
        assertThat(raw("HELLO\r\n\r\n")).startsWith("HTTP/1.1 400 ").contains("\"code\":\"BAD_REQUEST\"");
        assertThat(raw("\r\n\r\nHELLO\r\n\r\n"))
                .as("empty lines are skipped, what follows still read")
                .startsWith("HTTP/1.1 400 ");
        assertThat(raw("GET /sse/c1 HTTP/1.1\r\nBad Header: x\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(raw("GET /sse/c1 HTTP/1.1\r\n\r\n"))
                .as("no Host (RFC 9112 section 3.2)")
                .startsWith("HTTP/1.1 400 ")
                .contains("missing Host");
        assertThat(raw("GET /sse/c1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .contains("more than one Host");
        assertThat(raw("GET /sse/c1 HTTP/1.1\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(raw("GET /sse/bad%20id HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ")
                .contains("INVALID_CLIENT_ID");
    }

    /** Reads from the socket until {@code until} has been seen, or fails after the socket's time-out. */
    private static String readUntil(Socket socket, String until) throws Exception {
        byte[] buffer = new byte[4096];
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains(until)) {
            int n = socket.getInputStream().read(buffer);
            assertThat(n).as("connection ended after: " + seen).isPositive();
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    /** Reads one answer framed by its {@code Content-Length}: its head and body. */
    private static String readAnswer(Socket socket) throws Exception {
        String head = readUntil(socket, "\r\n\r\n");
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("Content-Length: (\\d+)").matcher(head);
        assertThat(length.find()).as(head).isTrue();
        int bodyStart = head.indexOf("\r\n\r\n") + 4;
        byte[] body = new byte[Integer.parseInt(length.group(1))];
        byte[] read = head.substring(bodyStart).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(read, 0, body, 0, read.length);
        int have = read.length;
        while (have < body.length) {
            int n = socket.getInputStream().read(body, have, body.length - have);
            assertThat(n).isPositive();
            have += n;
        }
        return head.substring(0, bodyStart) + new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void callsFollowEachOtherOnAKeptConnectionAndAStreamMayFollowThem() throws Exception {
        callsThenAStreamOnOneConnection(Duration.ZERO);
    }

    @Test
    void aKeptConnectionSilentBetweenCallsIsStillServedAndMayTurnIntoAStream() throws Exception {
        // silent longer than a connection keeps a platform thread (ExchangeThreads.LINGER, 50 ms): the rest of its
        // wait, and its next call, are a virtual thread's
        callsThenAStreamOnOneConnection(Duration.ofMillis(200));
    }

    /** Three calls on one kept-alive connection, {@code pause} apart, then a stream on it. */
    private void callsThenAStreamOnOneConnection(Duration pause) throws Exception {
        registerFunction("echo", "/json");
        try (Socket socket = new Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            for (int i = 1; i <= 3; i++) {
                out.write(invoke("echo", String.valueOf(i)));
                out.flush();
                String answer = readAnswer(socket);
                assertThat(answer)
                        .as("call %d", i)
                        .startsWith("HTTP/1.1 200 OK\r\n")
                        .contains("\"success\":true")
                        .contains("\"received\":" + i)
                        .doesNotContain("Connection: close");
                Thread.sleep(pause.toMillis());
            }
            // the same connection turns into a stream: the loop takes it back and holds it
            out.write("GET /sse/kept HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readUntil(socket, "event: connected"))
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Content-Type: text/event-stream");
            org.awaitility.Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> gateway.hub().count() == 1);
        }
    }

    @Test
    void callersBeyondThePlatformThreadsAreServedAtOnce() throws Exception {
        registerFunction("gated", "/gated");
        // more than ExchangeThreads gives platform threads (one per core): the rest must not wait for them
        int callers = Runtime.getRuntime().availableProcessors() + 2;
        java.util.List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                Socket socket = new Socket("127.0.0.1", gateway.streamPort().orElseThrow());
                socket.setSoTimeout(5000);
                sockets.add(socket);
                socket.getOutputStream().write(invoke("gated", "null"));
            }
            org.awaitility.Awaitility.await()
                    .atMost(WAIT)
                    .untilAsserted(() -> assertThat(functions.gatedCalls()).isEqualTo(callers));
            functions.release();
            for (Socket socket : sockets) {
                assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 OK\r\n");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void connectionsLeaveTheirPlatformThreadsWhileACallerIsServedOnAVirtualOne() throws Exception {
        registerFunction("gated", "/gated");
        registerFunction("held", "/held");
        registerFunction("echo", "/json");
        int cores = Runtime.getRuntime().availableProcessors();
        java.util.List<Socket> kept = new java.util.ArrayList<>();
        try (Socket outnumbering = new Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
            // every platform thread holds a call: one per core
            for (int i = 0; i < cores; i++) {
                Socket socket = new Socket("127.0.0.1", gateway.streamPort().orElseThrow());
                socket.setSoTimeout(5000);
                kept.add(socket);
                socket.getOutputStream().write(invoke("gated", "null"));
                int reached = i + 1;
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> functions.gatedCalls() == reached);
            }
            assertThat(platformThreadsMetric()).isEqualTo(cores);
            // one caller more than platform threads: its call is a virtual thread's, and stays in flight
            outnumbering.setSoTimeout(5000);
            outnumbering.getOutputStream().write(invoke("held", "null"));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> functions.heldCalls() == 1);
            functions.release();
            for (Socket socket : kept) {
                assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 OK\r\n");
            }
            // calls back to back would keep a platform thread (each within ExchangeThreads.LINGER of the last);
            // outnumbered, each connection goes on on a virtual thread
            long until = System.nanoTime() + WAIT.toNanos();
            int call = 0;
            do {
                call++;
                for (Socket socket : kept) {
                    socket.getOutputStream().write(invoke("echo", String.valueOf(call)));
                    assertThat(readAnswer(socket))
                            .startsWith("HTTP/1.1 200 OK\r\n")
                            .contains("\"received\":" + call);
                }
            } while (gateway.streamListener().orElseThrow().onPlatformThreads() > 0 && System.nanoTime() < until);
            assertThat(platformThreadsMetric()).isZero();
            functions.releaseHeld();
            assertThat(readAnswer(outnumbering))
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("\"held\":true");
        } finally {
            functions.releaseHeld();
            for (Socket socket : kept) {
                socket.close();
            }
        }
    }

    private static byte[] invoke(String function, String payload) {
        String body = "{\"payload\":" + payload + "}";
        return ("POST /invoke/" + function + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** @return the stream listener's connections on platform threads, as the metrics endpoint reports them */
    private int platformThreadsMetric() {
        return (int) Metrics.read(admin("/metrics"), "switchboard_stream_listener_platform_threads");
    }

    @Test
    void aCallWhoseClientAsksToCloseIsAnsweredThenClosed() throws Exception {
        registerFunction("echo", "/json");
        String answer = raw("POST /invoke/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"payload\":7}");
        assertThat(answer)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Connection: close")
                .contains("\"received\":7");
    }

    @Test
    void aStreamIsPlainHttpThatEndsWithTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write("GET /sse/raw?app=cli HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] buffer = new byte[4096];
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("event: connected")) {
                int n = socket.getInputStream().read(buffer);
                assertThat(n).isPositive();
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(seen.toString())
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Content-Type: text/event-stream; charset=utf-8")
                    .contains("Connection: close");
            assertThat(Http.get(admin("/admin/connections")).body())
                    .contains("\"client_id\":\"raw\"")
                    .contains("\"app\":\"cli\"");
        }
        // the client left: the stream is gone from the hub and the directory
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> gateway.hub().count() == 0);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> Http.get(admin("/admin/connections"))
                                .json()
                                .path("count")
                                .asInt()
                        == 0);
    }

    /**
     * The loop times heartbeats with a wheel of ticks: each stream's first heartbeat comes no sooner than an interval
     * after it opened (its own phase, not the listener's), and then one an interval, not one a tick.
     */
    @Test
    void eachStreamHeartbeatsAtItsOwnPhaseOncePerInterval() throws Exception {
        Duration interval = Duration.ofMillis(300); // the contract's HEARTBEAT_INTERVAL
        long firstOpened = System.nanoTime();
        try (SseClient first = SseClient.open(stream("/sse/phase-a"))) {
            assertThat(first.next(WAIT).type()).isEqualTo("connected");
            Thread.sleep(interval.toMillis() / 2);
            long secondOpened = System.nanoTime();
            try (SseClient second = SseClient.open(stream("/sse/phase-b"))) {
                assertThat(second.next(WAIT).type()).isEqualTo("connected");
                assertThat(first.next(WAIT).type()).isEqualTo("heartbeat");
                assertThat(System.nanoTime() - firstOpened)
                        .as("not before an interval from its own opening")
                        .isGreaterThanOrEqualTo(interval.toNanos());
                assertThat(second.next(WAIT).type()).isEqualTo("heartbeat");
                assertThat(System.nanoTime() - secondOpened)
                        .as("the second stream's phase is its own")
                        .isGreaterThanOrEqualTo(interval.toNanos());

                // then one an interval: ten intervals hold at most ten (and a tick or a late pass no extra)
                long window = 10 * interval.toNanos();
                long start = System.nanoTime();
                int beats = 0;
                while (System.nanoTime() - start < window) {
                    try {
                        SseClient.Event e =
                                second.next(Duration.ofNanos(Math.max(1, window - (System.nanoTime() - start))));
                        assertThat(e.type()).isEqualTo("heartbeat");
                        beats++;
                    } catch (AssertionError timeUp) {
                        break;
                    }
                }
                assertThat(beats).isBetween(4, 11);
            }
        }
    }

    @Test
    void aSilentConnectionDoesNotHoldAStream() throws Exception {
        try (SseClient real = SseClient.open(stream("/sse/alongside"))) {
            try (Socket silent = new Socket("127.0.0.1", gateway.streamPort().orElseThrow())) {
                silent.getOutputStream().write("GET /sse/half HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(real.nextNonHeartbeat(Duration.ofSeconds(5)).type()).isEqualTo("connected");
                assertThat(gateway.hub().count())
                        .as("only the stream that sent its head")
                        .isEqualTo(1);
            }
        }
    }
}
