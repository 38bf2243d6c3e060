package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.testing.TestRedis;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A gateway in its own JVM under {@code ulimit -n 512} gets more silent connections on each of its three
 * listeners than it has descriptors. Before: Helidon's listener died on "Too many open files" while
 * health said UP, and the stream listener wrote a stack trace per failed accept. Now every listener keeps
 * serving through the flood and after it, health says UP because it is, and the log holds no flood.
 */
class DescriptorExhaustionTest {
    private static final int LIMIT = 512;
    /** More than the process has descriptors, on each listener. */
    private static final int SILENT = 600;

    @Test
    void everyListenerServesThroughAndAfterMoreSilentConnectionsThanDescriptors() throws Exception {
        // kept in target/ so that a failure can be read
        Path log = Files.createDirectories(Path.of("target")).resolve("descriptor-exhaustion-gateway.log");
        int streamPort = TestRedis.freePort();
        try (GatewayProcess gateway = GatewayProcess.start(
                "fd-limited",
                Map.of(
                        "STREAM_PORT",
                        String.valueOf(streamPort),
                        "REQUEST_HEAD_TIMEOUT",
                        "2s",
                        // this test is about descriptors: one address may hold them all
                        "MAX_PENDING_HEADS_PER_IP",
                        "100000"),
                log,
                OptionalInt.of(LIMIT))) {
            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int port : List.of(gateway.port(), streamPort, gateway.adminPort())) {
                    for (int i = 0; i < SILENT; i++) {
                        silent.add(connect(port));
                    }
                }
                // through the flood: each listener serves, and health says so
                assertServing(gateway, streamPort);
                Http.Answer live = Http.get(gateway.admin("/health/live"));
                assertThat(live.status()).as(live.body()).isEqualTo(200);
                assertThat(live.json().path("checks").path("listener_public").asText())
                        .isEqualTo("UP");
                assertThat(live.json().path("checks").path("listener_stream").asText())
                        .isEqualTo("UP");

                // the silent ones still open on the client's side, past REQUEST_HEAD_TIMEOUT: the same
                Thread.sleep(2500);
                assertServing(gateway, streamPort);
                assertThat(Http.get(gateway.admin("/health/ready")).status()).isEqualTo(200);
            } finally {
                for (SocketChannel s : silent) {
                    s.close();
                }
            }
        }
        String output = Files.readString(log);
        assertThat(output)
                .contains("connection caps from the descriptor limit " + LIMIT)
                .doesNotContain("terminating now");
        long traceLines =
                output.lines().filter(line -> line.startsWith("\tat ")).count();
        assertThat(traceLines)
                .as("stack-trace lines in the gateway's log:%n%s", output)
                .isLessThan(30);
    }

    /** A connection that sends nothing, not waited for: past the listener's backlog the kernel may not answer. */
    private static SocketChannel connect(int port) throws Exception {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return channel;
    }

    private static void assertServing(GatewayProcess gateway, int streamPort) {
        String request = "GET /sse/fd-%d HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
        for (int port : List.of(gateway.port(), streamPort)) {
            try (RawConnection c = RawConnection.open("127.0.0.1", port)) {
                String answer =
                        c.send(String.format(request, port)).readUntil("event: connected", Duration.ofSeconds(10));
                assertThat(answer)
                        .as("a stream on port %d", port)
                        .startsWith("HTTP/1.1 200 ")
                        .contains("event: connected");
            }
        }
        assertThat(Http.get(gateway.admin("/health/live")).status()).isEqualTo(200);
    }
}
