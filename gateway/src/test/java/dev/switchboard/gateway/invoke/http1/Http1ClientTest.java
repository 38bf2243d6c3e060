package dev.switchboard.gateway.invoke.http1;

import static dev.switchboard.gateway.invoke.http1.ScriptedServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lean HTTP/1.1 client against loopback servers that write their answers byte by byte. */
class Http1ClientTest {
    private static final String OK_HELLO =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

    private final Http1Client client = new Http1Client(
            Http1ClientTest::loopback, tls(), new Http1Client.Limits(Duration.ofSeconds(5), 4, Duration.ofSeconds(30)));
    private ScriptedServer server;

    /** Every host is the loopback address: the test's resolver. */
    static InetAddress loopback(String host) {
        return InetAddress.getLoopbackAddress();
    }

    private static javax.net.ssl.SSLSocketFactory tls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private Http1Request get(String path) {
        return new Http1Request("GET", uri(path), new RequestHeaders(), null, Duration.ofSeconds(5));
    }

    private Http1Request post(String path, String body) {
        return new Http1Request(
                "POST",
                uri(path),
                new RequestHeaders().set("Content-Type", "text/plain"),
                body.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5));
    }

    private String text(Http1Request request) throws IOException {
        try (Http1Response response = client.send(request)) {
            assertThat(response.status()).isEqualTo(200);
            return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aConnectionIdleForTheTimeoutIsClosedEachTimeThePoolHoldsOne() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, OK_HELLO);
            return true;
        });
        // sweeps every 150 ms, and only while the pool holds a connection
        try (Http1Client shortLived = new Http1Client(
                Http1ClientTest::loopback,
                tls(),
                new Http1Client.Limits(Duration.ofSeconds(5), 4, Duration.ofMillis(300)))) {
            for (int round = 1; round <= 2; round++) {
                try (Http1Response response = shortLived.send(get("/"))) {
                    response.body().readAllBytes();
                }
                assertThat(shortLived.idleConnections()).isEqualTo(1);
                // the first round left the pool empty: the second connection is swept all the same
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> shortLived.idleConnections() == 0);
                assertThat(server.connections.get()).isEqualTo(round);
            }
        }
    }

    @Test
    void answersWithAContentLengthShareOneKeptAliveConnection() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, OK_HELLO);
            return true;
        });
        for (int i = 0; i < 5; i++) {
            assertThat(text(i % 2 == 0 ? get("/a?x=1") : post("/b", "body-" + i)))
                    .isEqualTo("hello");
        }
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(client.idleConnections()).isEqualTo(1);
        assertThat(server.requests.get(0))
                .startsWith("GET /a?x=1 HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + server.port() + "\r\n")
                .doesNotContain("Content-Length");
        assertThat(server.requests.get(1))
                .startsWith("POST /b HTTP/1.1\r\n")
                .contains("Content-Length: 6\r\n")
                .contains("Content-Type: text/plain\r\n")
                .endsWith("\r\n\r\nbody-1");
    }

    @Test
    void aChunkedAnswerIsReadWholeExtensionsAndTrailersIncludedAndItsConnectionKept() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            write(out, "5;name=value\r\nhello\r\n");
            write(out, "7\r\n, world\r\n");
            write(out, "0\r\nX-Trailer: t\r\n\r\n");
            return true;
        });
        assertThat(text(get("/"))).isEqualTo("hello, world");
        assertThat(text(get("/"))).isEqualTo("hello, world");
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void anAnswerDelimitedByTheEndOfTheConnectionIsReadWholeAndItsConnectionNotKept() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the ");
            write(out, "end");
            return false; // closes the connection
        });
        assertThat(text(get("/"))).isEqualTo("until the end");
        assertThat(text(get("/"))).isEqualTo("until the end");
        assertThat(client.idleConnections()).isZero();
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void connectionCloseAndHttp10AnswersAreNotKept() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(
                    out,
                    request.startsWith("GET /close")
                            ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello"
                            : "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            return true;
        });
        assertThat(text(get("/close"))).isEqualTo("hello");
        assertThat(text(get("/old"))).isEqualTo("hello");
        assertThat(client.idleConnections()).isZero();
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anAnswersLengthIsItsFramingsOnlyWhenFramedByOne() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(
                    out,
                    switch (request.substring(0, request.indexOf(" HTTP"))) {
                        case "GET /length" -> "HTTP/1.1 200 OK\r\ncontent-length:  5 \r\n\r\nhello";
                        case "GET /chunked" ->
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
                        case "GET /empty" -> "HTTP/1.1 204 No Content\r\n\r\n";
                        default -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello";
                    });
            return !request.startsWith("GET /close");
        });
        for (String path : new String[] {"/length", "/chunked", "/empty", "/close"}) {
            try (Http1Response response = client.send(get(path))) {
                assertThat(response.length())
                        .as(path)
                        .isEqualTo(
                                switch (path) {
                                    case "/length" -> java.util.OptionalLong.of(5);
                                    case "/empty" -> java.util.OptionalLong.of(0);
                                    default -> java.util.OptionalLong.empty();
                                });
                response.body().readAllBytes();
            }
        }
    }

    @Test
    void anAnswerClosedBeforeItsEndClosesItsConnection() throws Exception {
        CountDownLatch serverSawTheEnd = new CountDownLatch(1);
        server = new ScriptedServer((request, index, socket, out) -> {
            if (request.startsWith("GET /small")) {
                write(out, OK_HELLO);
                return true;
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n");
            write(out, "x".repeat(1000));
            if (socket.getInputStream().read() < 0) {
                serverSawTheEnd.countDown();
            }
            return false;
        });
        try (Http1Response response = client.send(get("/big"))) {
            assertThat(response.body().readNBytes(10)).hasSize(10);
        }
        assertThat(serverSawTheEnd.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.idleConnections()).isZero();
        assertThat(text(get("/small"))).isEqualTo("hello");
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anEndlessAnswerStopsAtTheCallersBoundAndItsConnectionIsClosed() throws Exception {
        CountDownLatch writerFailed = new CountDownLatch(1);
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "400\r\n" + "y".repeat(1024) + "\r\n";
            try {
                for (int i = 0; i < 1_000_000; i++) {
                    write(out, chunk);
                }
            } catch (IOException e) {
                writerFailed.countDown();
            }
            return false;
        });
        long max = 256 * 1024;
        try (Http1Response response = client.send(get("/"));
                InputStream in = response.body()) {
            byte[] read = in.readNBytes((int) max + 1);
            assertThat(read.length).as("the caller's bound + 1: too large").isEqualTo(max + 1);
        }
        assertThat(writerFailed.await(5, TimeUnit.SECONDS))
                .as("the function's connection was closed")
                .isTrue();
    }

    @Test
    void headersAreFoundByTheirWholeNameInAnyCaseWithTheirValuesTrimmed() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(
                    out,
                    "HTTP/1.1 200 OK\r\nX-Content-Length: 9\r\nContent-Lengthy: 8\r\ncontent-LENGTH:   5  \r\n"
                            + "Mcp-Session-Id:abc\r\nX-Empty:\r\nX-Twice: first\r\nX-Twice: second\r\n\r\nhello");
            return true;
        });
        try (Http1Response response = client.send(get("/"))) {
            // the body's framing came from Content-Length alone, not from the names that contain it
            assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("hello");
            assertThat(response.header("Content-Length")).contains("5");
            assertThat(response.header("mcp-session-id")).contains("abc");
            assertThat(response.header("X-Empty")).contains("");
            assertThat(response.header("x-twice")).contains("first");
            assertThat(response.header("Content")).isEmpty();
            assertThat(response.header("X-Content-Length")).contains("9");
        }
        assertThat(client.idleConnections()).isEqualTo(1);
    }

    @Test
    void foldedOrNamelessHeaderLinesAreRefused() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            String path = request.substring(4, request.indexOf(' ', 4));
            switch (path) {
                case "/folded" -> write(out, "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 0\r\n\r\n");
                case "/space" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n");
                default -> write(out, "HTTP/1.1 200 OK\r\n: nameless\r\nContent-Length: 0\r\n\r\n");
            }
            return false;
        });
        for (String path : new String[] {"/folded", "/space", "/nameless"}) {
            assertThatThrownBy(() -> client.send(get(path))).as(path).hasMessageContaining("malformed header line");
        }
    }

    @Test
    void anOversizedOrMalformedHeadIsRefused() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            String path = request.substring(4, request.indexOf(' ', 4));
            switch (path) {
                case "/long" -> write(out, "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(70_000) + "\r\n\r\n");
                case "/many" -> write(out, "HTTP/1.1 200 OK\r\n" + "X-A: b\r\n".repeat(300) + "\r\n");
                case "/lengths" -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
                case "/chunk" -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
                default -> write(out, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
            }
            return false;
        });
        assertThatThrownBy(() -> client.send(get("/long"))).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> client.send(get("/many"))).hasMessageContaining("headers");
        assertThatThrownBy(() -> client.send(get("/lengths"))).hasMessageContaining("conflicting Content-Length");
        assertThatThrownBy(() -> text(get("/chunk"))).hasMessageContaining("invalid chunk size");
        assertThatThrownBy(() -> client.send(get("/ssh"))).hasMessageContaining("not HTTP/1.x");
        assertThat(client.idleConnections()).isZero();
    }

    @Test
    void eventsOfAStreamAreHandedOverAsTheyArrive() throws Exception {
        CountDownLatch firstEventRead = new CountDownLatch(1);
        AtomicReference<Boolean> readBeforeTheRest = new AtomicReference<>();
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            write(out, "d\r\ndata: first\n\n\r\n");
            readBeforeTheRest.set(firstEventRead.await(5, TimeUnit.SECONDS));
            write(out, "e\r\ndata: second\n\n\r\n0\r\n\r\n");
            return true;
        });
        try (Http1Response response = client.send(get("/events"))) {
            byte[] buffer = new byte[4096];
            int n = response.body().read(buffer);
            assertThat(new String(buffer, 0, n, StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
            firstEventRead.countDown();
            assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("data: second\n\n");
        }
        assertThat(readBeforeTheRest.get()).isTrue();
        assertThat(client.idleConnections()).isEqualTo(1);
    }

    @Test
    void aSilentFunctionEndsTheCallAtTheReadTimeout() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(5_000);
            return false;
        });
        Http1Request request = new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(request)).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.requests).as("not sent again").hasSize(1);
    }

    @Test
    void aTricklingAnswerEndsAtTheControlsDeadlineWithoutATimerOrAnInterrupt() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            for (int i = 0; i < 1000; i++) {
                write(out, "z");
                Thread.sleep(50);
            }
            return true;
        });
        long start = System.nanoTime();
        CallControl control = CallControl.within(Duration.ofMillis(300));
        Http1Request request =
                new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofSeconds(5), control);
        // on the test's platform thread: only the socket's timeouts can end the call here
        try (Http1Response response = client.send(request)) {
            assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(control.passed()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(client.idleConnections()).isZero();
    }

    @Test
    void aControlledCallsSilentReadEndsAtItsReadTimeoutAndItsConnectionIsNotReused() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            if (server.connections.get() == 1) {
                Thread.sleep(5_000);
                return false;
            }
            write(out, OK_HELLO);
            return true;
        });
        // the first call waits on an untimed read: the read watch, not a socket timeout, ends it
        CallControl control = CallControl.within(Duration.ofSeconds(10));
        Http1Request silent =
                new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofMillis(200), control);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(silent))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("Read timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(190), Duration.ofSeconds(3));
        assertThat(control.passed()).isFalse();
        Http1Request next = new Http1Request(
                "GET",
                uri("/"),
                new RequestHeaders(),
                null,
                Duration.ofSeconds(5),
                CallControl.within(Duration.ofSeconds(5)));
        assertThat(text(next)).isEqualTo("hello");
        assertThat(server.connections.get())
                .as("the timed-out connection was closed, not pooled")
                .isEqualTo(2);
        assertThat(client.idleConnections()).isEqualTo(1);
    }

    @Test
    void aPooledConnectionsReadIsBoundedAsItsFirstWas() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            if (index > 0) {
                Thread.sleep(5_000); // the second request on the connection is never answered
                return false;
            }
            write(out, OK_HELLO);
            return true;
        });
        assertThat(text(new Http1Request(
                        "GET",
                        uri("/"),
                        new RequestHeaders(),
                        null,
                        Duration.ofSeconds(5),
                        CallControl.within(Duration.ofSeconds(5)))))
                .isEqualTo("hello");
        assertThat(client.idleConnections()).isEqualTo(1);
        // it sleeps while the pooled connection is watched but not reading
        aSilentReadTimesOutAfterTheWatchSlept();
        assertThat(server.connections.get())
                .as("the second request went on the pooled connection")
                .isEqualTo(1);
    }

    @Test
    void theReadWatchWakesForAReadAfterItFellAsleep() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(5_000);
            return false;
        });
        aSilentReadTimesOutAfterTheWatchSlept();
    }

    /**
     * Waits longer than the read watch's idle ticks (with no read in progress it sleeps until one begins), then sends
     * a request the server never answers: its read must still end at its 250 ms deadline.
     */
    private void aSilentReadTimesOutAfterTheWatchSlept() throws InterruptedException {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(dev.switchboard.gateway.net.ReadWatch.TICK_NANOS) * 60);
        Http1Request silent = new Http1Request(
                "GET",
                uri("/"),
                new RequestHeaders(),
                null,
                Duration.ofSeconds(5),
                CallControl.within(Duration.ofMillis(250)));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(silent)).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(240), Duration.ofSeconds(3));
    }

    @Test
    void aSilentFunctionRunsTheIdleActionBesideTheBlockedReadThenItsAnswerIsReadWhole() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(450);
            write(out, OK_HELLO);
            return true;
        });
        List<Thread> idleRuns = new CopyOnWriteArrayList<>();
        CallControl control = CallControl.within(Duration.ofSeconds(5))
                .onIdle(Duration.ofMillis(100), () -> idleRuns.add(Thread.currentThread()));
        String text;
        try (Http1Response response = client.send(
                new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofSeconds(5), control))) {
            text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo("hello");
        assertThat(idleRuns).hasSizeBetween(2, 6).doesNotContain(Thread.currentThread());
        assertThat(client.idleConnections()).isEqualTo(1);
    }

    @Test
    void theFirstIdleActionRunsOnceAtTheFirstSilenceThenThePeriodicOneAtItsInterval() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(650);
            write(out, OK_HELLO);
            return true;
        });
        List<String> runs = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        List<Long> firstAt = new CopyOnWriteArrayList<>();
        List<Long> periodicAt = new CopyOnWriteArrayList<>();
        CallControl control = CallControl.within(Duration.ofSeconds(5))
                .onIdle(Duration.ofMillis(250), () -> {
                    runs.add("periodic");
                    periodicAt.add(System.nanoTime());
                })
                .onFirstIdle(Duration.ofMillis(1), () -> {
                    runs.add("first");
                    firstAt.add(System.nanoTime());
                });
        try (Http1Response response = client.send(
                new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofSeconds(5), control))) {
            assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("hello");
        }
        // first at the watch's next tick or so; then every 250 ms of the 650 ms silence, not every tick
        assertThat(runs.getFirst()).isEqualTo("first");
        assertThat(runs).filteredOn("first"::equals).hasSize(1);
        assertThat(runs).filteredOn("periodic"::equals).hasSizeBetween(1, 3);
        assertThat(Duration.ofNanos(firstAt.getFirst() - start)).isLessThan(Duration.ofMillis(400));
        assertThat(Duration.ofNanos(periodicAt.getFirst() - firstAt.getFirst()))
                .as("the periodic interval counts from the first action")
                .isGreaterThanOrEqualTo(Duration.ofMillis(230));
    }

    @Test
    void anIdleActionThatFailsEndsTheCallsReadWithItsFailure() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(5_000);
            return false;
        });
        CallControl control = CallControl.within(Duration.ofSeconds(5)).onIdle(Duration.ofMillis(100), () -> {
            throw new IOException("the client is gone");
        });
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(
                        new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofSeconds(5), control)))
                .isInstanceOf(CallControl.IdleActionFailed.class)
                .hasRootCauseMessage("the client is gone");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(client.idleConnections()).as("its connection was closed").isZero();
    }

    @Test
    void theReadTimeoutStillEndsACallWhoseIdleActionRuns() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            Thread.sleep(5_000);
            return false;
        });
        AtomicInteger idleRuns = new AtomicInteger();
        CallControl control =
                CallControl.within(Duration.ofSeconds(5)).onIdle(Duration.ofMillis(50), idleRuns::incrementAndGet);
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(
                        new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofMillis(300), control)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(idleRuns.get()).isBetween(3, 8);
    }

    @Test
    void anAbortFromAnotherThreadEndsTheBlockedReadAndTheCallTakesNoOtherConnection() throws Exception {
        CountDownLatch answering = new CountDownLatch(1);
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
            answering.countDown();
            Thread.sleep(5_000);
            return false;
        });
        CallControl control = CallControl.within(Duration.ofSeconds(10));
        Http1Request request =
                new Http1Request("GET", uri("/"), new RequestHeaders(), null, Duration.ofSeconds(10), control);
        long start = System.nanoTime();
        try (Http1Response response = client.send(request)) {
            assertThat(answering.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.ofVirtual().start(() -> {
                sleep(100);
                control.abort();
            });
            assertThatThrownBy(() -> response.body().read()).isInstanceOf(IOException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(control.aborted()).isTrue();
        assertThat(client.idleConnections()).isZero();
        assertThatThrownBy(() -> client.send(request)).isInstanceOf(IOException.class);
        assertThat(server.requests).as("an aborted call sends nothing more").hasSize(1);
    }

    @Test
    void aLargeRequestToAFunctionThatDoesNotReadEndsAtTheDeadline() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        // accepts the connection and never reads it: the request's write fills the socket buffers and blocks
        try (java.net.ServerSocket deaf = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = deaf.accept()) {
                    s.setReceiveBufferSize(4096);
                    done.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the test is over
                }
            });
            byte[] body = new byte[32 * 1024 * 1024];
            long start = System.nanoTime();
            CallControl control = CallControl.within(Duration.ofMillis(400));
            Http1Request request = new Http1Request(
                    "POST",
                    URI.create("http://127.0.0.1:" + deaf.getLocalPort() + "/"),
                    new RequestHeaders(),
                    body,
                    Duration.ofSeconds(10),
                    control);
            assertThatThrownBy(() -> client.send(request)).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofMillis(350), Duration.ofSeconds(5));
        } finally {
            done.countDown();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aKeptAliveConnectionTheServerClosedIsFoundOutBeforeUse() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, OK_HELLO);
            return false; // closes after answering, without saying so
        });
        assertThat(text(get("/"))).isEqualTo("hello");
        awaitIdle(1);
        Thread.sleep(200); // the server's FIN arrives
        assertThat(text(post("/", "again"))).isEqualTo("hello");
        assertThat(server.requests).as("the closed connection carried nothing").hasSize(2);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aKeptAliveConnectionResetBeforeAnyAnswerIsRetriedOnceOnANewOne() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            if (index == 1) {
                socket.setSoLinger(true, 0); // a reset, as a server that closed it unread sends
                socket.close();
                return false;
            }
            write(out, OK_HELLO);
            return true;
        });
        assertThat(text(post("/", "one"))).isEqualTo("hello");
        assertThat(text(post("/", "two"))).isEqualTo("hello");
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void aPostWhoseKeptAliveConnectionEndsWithoutAnAnswerIsNotSentTwiceAGetIs() throws Exception {
        server = new ScriptedServer((request, index, socket, out) -> {
            if (index == 1) {
                return false; // read the request, then closed the connection: it may have acted on it
            }
            write(out, OK_HELLO);
            return true;
        });
        assertThat(text(post("/", "one"))).isEqualTo("hello");
        assertThatThrownBy(() -> client.send(post("/", "two"))).hasMessageContaining("before answering");
        assertThat(server.requests).hasSize(2);
        assertThat(text(get("/"))).as("on a new connection").isEqualTo("hello");
        assertThat(text(get("/"))).as("the next GET: retried").isEqualTo("hello");
        assertThat(server.requests).hasSize(5);
    }

    @Test
    void aHeaderThatWouldSplitTheHeadIsRefusedAndFramingHeadersAreTheClientsOwn() throws Exception {
        assertThatThrownBy(() -> new RequestHeaders().set("X-A", "b\r\nX-Injected: c"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestHeaders().set("X-A\n", "b")).isInstanceOf(IllegalArgumentException.class);
        server = new ScriptedServer((request, index, socket, out) -> {
            write(out, OK_HELLO);
            return true;
        });
        RequestHeaders headers = new RequestHeaders()
                .set("Content-Length", "999")
                .set("Host", "elsewhere")
                .set("x-team", "first")
                .set("X-Team", "second");
        assertThat(text(new Http1Request("POST", uri("/"), headers, "ab".getBytes(), Duration.ofSeconds(5))))
                .isEqualTo("hello");
        String seen = server.requests.get(0);
        // the caller's framing values are not sent (matched as header lines: the server's port may hold "999")
        assertThat(seen)
                .contains("Content-Length: 2\r\n", "Host: 127.0.0.1:" + server.port() + "\r\n")
                .doesNotContainPattern("(?i)content-length: *999")
                .doesNotContain("elsewhere");
        assertThat(seen).contains("X-Team: second\r\n").doesNotContain("first");
    }

    private void awaitIdle(int count) throws InterruptedException {
        for (int i = 0; i < 100 && client.idleConnections() != count; i++) {
            Thread.sleep(10);
        }
        assertThat(client.idleConnections()).isEqualTo(count);
    }
}
