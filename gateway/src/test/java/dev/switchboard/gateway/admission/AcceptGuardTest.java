package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.ClientAddresses;
import io.helidon.common.socket.SocketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard over connections that have sent no request head, on real loopback sockets: a silent one is closed
 * after the head timeout, and the sweep that closes it runs only while some connection is waiting.
 */
class AcceptGuardTest {
    private final ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1);
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AcceptGuard guard = new AcceptGuard(
            SocketOptions.builder().build(),
            Duration.ofMillis(300),
            100,
            new AddressLimits(10, 10, ClientAddresses.trusting(List.of()), metrics),
            sweeper);
    private final ServerSocketChannel server;

    AcceptGuardTest() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws IOException {
        sweeper.shutdownNow();
        server.close();
        metrics.close();
    }

    /** @return the client's end; the server's end is handed to the guard, as Helidon's accept thread does */
    private SocketChannel connect() throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        guard.configureSocket(server.accept());
        return client;
    }

    @Test
    void noSweepIsScheduledWhileNoConnectionWaitsForItsHead() throws IOException {
        assertThat(sweeper.getQueue()).as("an idle guard wakes no thread").isEmpty();

        try (SocketChannel silent = connect()) {
            assertThat(guard.pending()).isEqualTo(1);
            assertThat(sweeper.getQueue())
                    .as("one sweep for the waiting connection")
                    .hasSize(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> guard.pending() == 0);
            assertThat(silent.read(ByteBuffer.allocate(1)))
                    .as("closed by the guard after the head timeout")
                    .isEqualTo(-1);
            await().atMost(Duration.ofSeconds(2)).until(() -> sweeper.getQueue().isEmpty());
            assertThat(sweeper.getCompletedTaskCount())
                    .as("sweeps ran until the connection was closed, then stopped")
                    .isPositive();
            long sweeps = sweeper.getCompletedTaskCount();

            try (SocketChannel again = connect()) {
                assertThat(sweeper.getQueue())
                        .as("a new waiting connection starts the sweeps again")
                        .hasSize(1);
                await().atMost(Duration.ofSeconds(5)).until(() -> guard.pending() == 0);
                assertThat(sweeper.getCompletedTaskCount()).isGreaterThan(sweeps);
            }
        }
    }
}
