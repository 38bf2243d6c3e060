package dev.switchboard.gateway.trace;

import dev.switchboard.registry.settings.GatewaySettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's OpenTelemetry: off (the API's no-op tracer, nothing extracted, injected or exported) unless
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set; then an SDK built by
 * the autoconfigure module from the standard {@code OTEL_*} variables, exporting spans over OTLP/HTTP with the
 * JDK's HTTP client. The SDK is never registered as {@code GlobalOpenTelemetry}: each gateway holds its own, so
 * gateways in one JVM (tests) do not share or leak tracing.
 */
public final class GatewayTracing implements AutoCloseable {
    /** Instrumentation scope of the gateway's spans. */
    public static final String SCOPE = "dev.switchboard.gateway";

    private static final GatewayTracing OFF = new GatewayTracing(OpenTelemetry.noop(), null);

    private final Tracer tracer;
    /** Null when off. */
    private final OpenTelemetrySdk sdk;

    private GatewayTracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.sdk = sdk;
    }

    /** @return tracing off: no spans, no headers, no exports */
    public static GatewayTracing off() {
        return OFF;
    }

    /**
     * Tracing as the standard variables say.
     *
     * @param env       the environment ({@code OTEL_*} variables; the process's own are read too, these win)
     * @param replicaId this replica's id, the default {@code service.instance.id}
     * @return tracing, off unless an OTLP endpoint is configured (or when {@code OTEL_SDK_DISABLED=true} or
     *         {@code OTEL_TRACES_EXPORTER=none})
     * @throws IllegalArgumentException naming the variable when the OTel settings are invalid
     */
    public static GatewayTracing fromEnvironment(Map<String, String> env, String replicaId) {
        if (!configured(env)) {
            return OFF;
        }
        Map<String, String> given = new HashMap<>();
        env.forEach((key, value) -> {
            if (key.startsWith("OTEL_") && value != null && !value.isBlank()) {
                given.put(key.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    // defaults a user may override: traces only (metrics stay with Prometheus, logs with the
                    // log pipeline), and OTLP/HTTP, the one protocol the JDK sender speaks
                    .addPropertiesSupplier(() -> Map.of(
                            "otel.service.name", "switchboard-gateway",
                            "otel.metrics.exporter", "none",
                            "otel.logs.exporter", "none",
                            "otel.exporter.otlp.protocol", "http/protobuf"))
                    .addPropertiesCustomizer(config -> given)
                    .addResourceCustomizer((resource, config) ->
                            resource.getAttribute(AttributeKey.stringKey("service.instance.id")) != null
                                    ? resource
                                    : resource.merge(Resource.create(io.opentelemetry.api.common.Attributes.of(
                                            AttributeKey.stringKey("service.instance.id"), replicaId))))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            return new GatewayTracing(sdk, sdk);
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException("OTEL_*: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            // e.g. OTEL_EXPORTER_OTLP_PROTOCOL=grpc: no gRPC sender is bundled
            throw new IllegalArgumentException(
                    "OTEL_*: " + e.getMessage() + " (only OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf is supported)", e);
        }
    }

    private static boolean configured(Map<String, String> env) {
        boolean endpoint = !env.getOrDefault(GatewaySettings.OTEL_EXPORTER_OTLP_ENDPOINT.key(), "")
                        .isBlank()
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
        boolean disabled = "true"
                        .equalsIgnoreCase(
                                env.getOrDefault("OTEL_SDK_DISABLED", "").trim())
                || "none"
                        .equalsIgnoreCase(
                                env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim());
        return endpoint && !disabled;
    }

    /** @return whether spans are recorded and exported */
    public boolean enabled() {
        return sdk != null;
    }

    /** @return the gateway's tracer (the no-op tracer when off) */
    public Tracer tracer() {
        return tracer;
    }

    /**
     * Starts a child of the current span; nothing (the invalid span, free) when tracing is off or no span is
     * current, so background work (heartbeats, directory refreshes) never starts traces of its own.
     *
     * @param name span name
     * @param kind span kind
     * @return the started span, which the caller ends
     */
    public Span child(String name, SpanKind kind) {
        if (sdk == null || !Span.current().getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setSpanKind(kind).startSpan();
    }

    /**
     * Makes a span current, or does nothing for the invalid span of {@link #child} (with tracing off, no
     * context is allocated or attached on the hot path).
     *
     * @param span a span from {@link #child}
     * @return closes the scope
     */
    public static Scope activate(Span span) {
        return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
    }

    /** Exports what is still buffered and stops the exporter (a no-op when off). */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
