package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
    @Test
    void defaultsWatchAllNamespacesWithoutLeaderElection() {
        OperatorSettings s = OperatorSettings.from(Map.of());
        assertThat(s.watchNamespaces()).isEmpty();
        assertThat(s.podNamespace()).isEmpty();
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.sweepInterval()).isEqualTo(java.time.Duration.ofMinutes(1));
    }

    @Test
    void readsNamespacesLeaseNamespaceAndPort() {
        OperatorSettings s = OperatorSettings.from(Map.of(
                "WATCH_NAMESPACES",
                " team-a, team-b ,",
                "POD_NAMESPACE",
                "switchboard",
                "OPERATOR_PORT",
                "9000",
                "SWEEP_INTERVAL",
                "30s"));
        assertThat(s.sweepInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(s.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
        assertThat(s.podNamespace()).isEqualTo(Optional.of("switchboard"));
        assertThat(s.httpPort()).isEqualTo(9000);
    }

    @Test
    void refusesBadValuesNamingTheVariable() {
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("WATCH_NAMESPACES", "Team_A")))
                .hasMessageStartingWith("WATCH_NAMESPACES");
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("OPERATOR_PORT", "http")))
                .hasMessageStartingWith("OPERATOR_PORT");
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("OPERATOR_PORT", "70000")))
                .hasMessageStartingWith("OPERATOR_PORT");
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("SWEEP_INTERVAL", "soon")))
                .hasMessageStartingWith("SWEEP_INTERVAL");
        assertThatThrownBy(() -> OperatorSettings.from(Map.of("SWEEP_INTERVAL", "10ms")))
                .hasMessageStartingWith("SWEEP_INTERVAL");
    }

    @Test
    void servesProbesAndMetrics() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OperatorHttpServer server =
                new OperatorHttpServer(0, () -> true, ready::get, () -> "josdk_events_received_total 3.0\n")) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(client, base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(client, base + "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(client, base + "/metrics");
            assertThat(metrics.body()).contains("josdk_events_received_total 3.0");
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
