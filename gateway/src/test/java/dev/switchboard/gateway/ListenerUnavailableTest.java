package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.TestGateways;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A port another process holds stops the gateway with a line naming the setting and the address, never leaves
 * it running with a listener missing (Helidon logs a failed bind and stops its listeners without throwing).
 */
class ListenerUnavailableTest {
    @Test
    void aReplicaWhosePublicPortIsTakenExitsWithOneAndNamesThePort() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("listener-unavailable.log");
        try (ServerSocket taken = holdAPort()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> GatewayProcess.start(
                            "port-taken", Map.of("PORT", String.valueOf(taken.getLocalPort())), log))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code 1 before it was ready")
                    .hasMessageContaining("switchboard: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " (PORT): Address already in use");
            // the wait's bound is 90 s: a replica that lingered would use all of it
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void anAdminPortTakenIsNamedAndNothingIsLeftListening() throws Exception {
        try (ServerSocket taken = holdAPort()) {
            int publicPort;
            try (ServerSocket free = holdAPort()) {
                publicPort = free.getLocalPort();
            }
            GatewayConfig config = GatewayConfig.from(TestGateways.local(
                    "PORT", String.valueOf(publicPort), "ADMIN_PORT", String.valueOf(taken.getLocalPort())));
            // Helidon's own report of the failed bind (SEVERE, with a stack trace) is left out: the line is ours
            java.util.logging.Logger helidon = java.util.logging.Logger.getLogger("io.helidon.webserver.LoomServer");
            java.util.List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.logging.Handler capture = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    if (isLoggable(r)) {
                        logged.add(r);
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            helidon.addHandler(capture);
            try {
                assertThatThrownBy(() -> Gateway.start(config))
                        .isInstanceOf(ListenerUnavailableException.class)
                        .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                                + " (ADMIN_PORT): Address already in use");
            } finally {
                helidon.removeHandler(capture);
            }
            assertThat(logged)
                    .as("Helidon's records of the bind")
                    .extracting(r -> r.getLevel() + " " + r.getMessage() + " " + r.getThrown())
                    .noneMatch(r -> r.startsWith("SEVERE") || r.startsWith("WARNING"));
            // the public listener that did bind was stopped with the rest
            assertThat(accepts(publicPort)).isFalse();
        }
    }

    @Test
    void aStreamPortTakenIsNamedAndWhatWasBuiltBeforeItStops() throws Exception {
        Set<Thread> before = gatewayThreads();
        try (ServerSocket taken = holdAPort()) {
            GatewayConfig config =
                    GatewayConfig.from(TestGateways.local("STREAM_PORT", String.valueOf(taken.getLocalPort())));
            assertThatThrownBy(() -> Gateway.start(config))
                    .isInstanceOf(ListenerUnavailableException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " (STREAM_PORT): Address already in use");
        }
        // PORT's loops, the housekeeping clock, the accept guard, the function connections' sweeper: all gone
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(gatewayThreads())
                        .as("threads the failed gateway started")
                        .isSubsetOf(before));
    }

    /** @return live threads a gateway names as its own */
    private static Set<Thread> gatewayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("switchboard-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static ServerSocket holdAPort() throws Exception {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
