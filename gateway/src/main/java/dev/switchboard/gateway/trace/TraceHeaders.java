package dev.switchboard.gateway.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in and out of the gateway. Stateless: what is
 * injected is the current span, which exists only while tracing is on (see {@link GatewayTracing}), so with
 * tracing off nothing is ever sent. The gateway speaks W3C trace context only (not B3 or Jaeger headers).
 */
public final class TraceHeaders {
    /** The header carrying the trace and parent span ids. */
    public static final String TRACEPARENT = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Function<String, String>> LOOKUP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of(TRACEPARENT, "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private TraceHeaders() {}

    /**
     * THE hook for outgoing function requests (HTTP invoke and MCP): adds {@code traceparent} (and
     * {@code tracestate}) of the current span, so the function's own spans join the caller's trace. Adds nothing
     * when no span is current (tracing off, or a call made outside any request).
     *
     * @param header sets one header on the outgoing request
     */
    public static void addTo(BiConsumer<String, String> header) {
        if (!Span.current().getSpanContext().isValid()) {
            return;
        }
        W3C.inject(Context.current(), header, (h, name, value) -> h.accept(name, value));
    }

    /**
     * @return the current span's {@code traceparent}, or null when no span is current
     */
    public static String currentTraceparent() {
        if (!Span.current().getSpanContext().isValid()) {
            return null;
        }
        String[] value = new String[1];
        W3C.inject(Context.current(), value, (v, name, text) -> {
            if (TRACEPARENT.equals(name)) {
                v[0] = text;
            }
        });
        return value[0];
    }

    /**
     * @param headers looks up a request header by its lower-case name (null when absent)
     * @return the root context carrying the remote parent the headers name, or the root context when they name
     *         none or a malformed one
     */
    public static Context extract(Function<String, String> headers) {
        return W3C.extract(Context.root(), headers, LOOKUP);
    }

    /**
     * @param traceparent a {@code traceparent} value carried with an event
     * @return the root context with that remote parent (the root context when it is malformed)
     */
    public static Context fromTraceparent(String traceparent) {
        return extract(Map.of(TRACEPARENT, traceparent)::get);
    }
}
