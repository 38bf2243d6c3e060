package dev.switchboard.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing is on, and how bad {@code OTEL_*} values are refused (before anything is exported). */
class GatewayTracingTest {
    @Test
    void onlyAnOtlpEndpointTurnsTracingOn() {
        assertThat(GatewayTracing.fromEnvironment(Map.of(), "r").enabled()).isFalse();
        assertThat(GatewayTracing.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "x"), "r")
                        .enabled())
                .isFalse();
        assertThat(GatewayTracing.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), "r")
                        .enabled())
                .isFalse();
        assertThat(GatewayTracing.fromEnvironment(
                                Map.of(
                                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                                        "http://127.0.0.1:1",
                                        "OTEL_TRACES_EXPORTER",
                                        "none"),
                                "r")
                        .enabled())
                .isFalse();
        try (GatewayTracing on = GatewayTracing.fromEnvironment(
                Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:1/v1/traces"), "r")) {
            assertThat(on.enabled()).isTrue();
        }
    }

    @Test
    void invalidSettingsAreAConfigurationError() {
        assertThatThrownBy(() -> GatewayTracing.fromEnvironment(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1", "OTEL_TRACES_SAMPLER", "sometimes"),
                        "r"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OTEL_*: ");
        assertThatThrownBy(() -> GatewayTracing.fromEnvironment(
                        Map.of(
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "http://127.0.0.1:1",
                                "OTEL_EXPORTER_OTLP_PROTOCOL",
                                "grpc"),
                        "r"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OTEL_*: ");
    }
}
