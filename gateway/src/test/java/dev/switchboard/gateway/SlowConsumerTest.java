package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A client that never reads is cut off once its queue is full; memory stays bounded and the log keeps its events. */
class SlowConsumerTest {
    private Gateway gateway;

    @BeforeEach
    void start() {
        gateway = Gateway.start(GatewayConfig.from(
                TestGateways.local("STREAM_QUEUE_DEPTH", "8", "EVENT_LOG_MAX_LENGTH", "100000", "STREAM_PORT", "0")));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"public listener", "stream listener"})
    void disconnectsAClientThatDoesNotRead(String listener) throws Exception {
        int port = listener.equals("public listener")
                ? gateway.port()
                : gateway.streamPort().orElseThrow();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = socket.getOutputStream();
            out.write("GET /sse/sloth HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.hub().count() == 1);

            String big = "\"" + "x".repeat(64 * 1024) + "\"";
            int published = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // never read: socket buffers fill, the writer blocks, the queue overflows
            while (!gateway.hub().all().stream().allMatch(dev.switchboard.gateway.sse.SseStream::isClosed)
                    && published < 5000
                    && System.nanoTime() < deadline) {
                gateway.state().events().publish("sloth", "function_response", big);
                published++;
            }
            int sent = published;
            await("slow stream closed after " + sent + " events")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.hub().count() == 0);
            assertThat(published).isLessThan(5000);
            String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                    .body();
            assertThat(metrics).contains("switchboard_connections_closed_total{reason=\"slow_consumer\"} 1.0");
            // nothing is lost: the log still holds every event for a later replay
            assertThat(gateway.state().events().readAfter("sloth", EventIds.ZERO, 100000))
                    .hasSize(published);
        }
    }
}
