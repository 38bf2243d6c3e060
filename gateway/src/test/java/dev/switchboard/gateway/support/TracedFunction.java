package dev.switchboard.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An {@code http} function that is traced on its own, as a user's service would be: it reads the
 * {@code traceparent} the gateway sends, and when there is one, records a span "function work" as its child with
 * its own tracer provider ({@code service.name} {@link #SERVICE}), exported over OTLP/HTTP to a receiver. It
 * records every {@code traceparent} it was sent (null when none) and answers {@code {"ok":true}}.
 */
public final class TracedFunction implements AutoCloseable {
    /** The function's {@code service.name}. */
    public static final String SERVICE = "traced-function";

    private static final TextMapGetter<HttpExchange> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange carrier) {
            return carrier.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange carrier, String key) {
            return carrier == null ? null : carrier.getRequestHeaders().getFirst(key);
        }
    };

    private final HttpServer server;
    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final List<String> traceparents = new CopyOnWriteArrayList<>();

    private TracedFunction(HttpServer server, SdkTracerProvider provider) {
        this.server = server;
        this.provider = provider;
        this.tracer = provider.get("traced-function");
    }

    /**
     * @param otlpEndpoint the receiver's base URL
     * @return a started function
     */
    public static TracedFunction start(String otlpEndpoint) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SERVICE)))
                .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
                        .setEndpoint(otlpEndpoint + "/v1/traces")
                        .build()))
                .build();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            TracedFunction function = new TracedFunction(server, provider);
            server.createContext("/work", function::work);
            server.start();
            return function;
        } catch (IOException e) {
            provider.close();
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the function's URL */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/work";
    }

    /** @return the {@code traceparent} of each call received, in order (null for a call without one) */
    public List<String> traceparents() {
        // nulls kept: List.copyOf refuses them
        return java.util.Collections.unmodifiableList(new java.util.ArrayList<>(traceparents));
    }

    private void work(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
            traceparents.add(traceparent);
            Span span = null;
            if (traceparent != null) {
                Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange, HEADERS);
                span = tracer.spanBuilder("function work")
                        .setParent(parent)
                        .setSpanKind(SpanKind.SERVER)
                        .startSpan();
            }
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            if (span != null) {
                span.end();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
