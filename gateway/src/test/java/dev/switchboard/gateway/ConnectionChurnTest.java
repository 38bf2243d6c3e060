package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 10,000 streams opened and dropped, from real sockets: afterwards the replica holds no stream, the fleet
 * directory no connection, Redis no more keys than before, and the heap is back near where it started.
 */
class ConnectionChurnTest {
    private static final int CYCLES = 10_000;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.local(
                "REDIS_URL",
                TestRedis.shared().url(),
                // a dropped client is noticed at the next write: beat often so the test need not wait long
                "HEARTBEAT_INTERVAL",
                "1s",
                "STREAM_PORT",
                "0",
                // every client here comes from 127.0.0.1, and a dropped stream counts until it is noticed
                "MAX_STREAMS_PER_IP",
                "100000")));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public listener", "stream listener"})
    void tenThousandConnectsAndDisconnectsLeaveNothingBehind(String listener) throws Exception {
        int port = listener.equals("public listener")
                ? gateway.port()
                : gateway.streamPort().orElseThrow();
        churn(port, 0, 500); // warm up: class loading, JIT, pools
        awaitAllClosed();
        long keysBefore = keys();
        long heapBefore = liveHeap();

        churn(port, 500, CYCLES);

        awaitAllClosed();
        assertThat(keys()).as("Redis keys").isEqualTo(keysBefore);
        long grown = liveHeap() - heapBefore;
        assertThat(grown).as("live heap growth after %d cycles, bytes", CYCLES).isLessThan(4L * 1024 * 1024);
    }

    private void awaitAllClosed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(gateway.hub().count()).as("streams held by the replica").isZero();
            assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/connections")
                            .json()
                            .get("count")
                            .asInt())
                    .as("the fleet directory")
                    .isZero();
        });
    }

    /** Opens streams on raw sockets, each read until its connected event, then dropped. */
    private void churn(int port, int from, int cycles) throws Exception {
        byte[] buffer = new byte[4096];
        for (int i = from; i < from + cycles; i++) {
            byte[] request = ("GET /sse/churner-" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream"
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder seen = new StringBuilder();
                while (seen.indexOf("event: connected") < 0
                        || seen.indexOf("\n\n", seen.indexOf("event: connected")) < 0) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new AssertionError("stream " + i + " ended early: " + seen);
                    }
                    seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static long keys() {
        return Long.parseLong(TestRedis.shared().command("DBSIZE").substring(1));
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
