package dev.switchboard.gateway.trace;

import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * One server span per traced request: {@code POST /invoke/{function}}, {@code POST} and {@code DELETE} on
 * {@code /mcp/...}, and {@code POST /publish/...}, child of the caller's {@code traceparent} when it sends one.
 * The span is current while the handler runs (Helidon runs it on this thread), so what the handler does (function
 * calls, Redis commands, publications) joins it. Long-lived streams ({@code GET /sse}, {@code GET /mcp}) are not
 * traced: a span open for hours tells nothing. With tracing off the filter passes requests through untouched.
 */
public final class TracingFilter implements Filter {
    private final GatewayTracing tracing;

    /** @param tracing the gateway's tracing */
    public TracingFilter(GatewayTracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        traced(
                () -> req.prologue().method(),
                req.path().path(),
                name -> req.headers()
                        .first(io.helidon.http.HeaderNames.create(name))
                        .orElse(null),
                chain::proceed,
                () -> res.status().code());
    }

    /**
     * Runs a request's work in its server span when its route is traced, for any listener (the event loops'
     * MCP requests are traced as the public listener's).
     *
     * @param method the request's method, asked only when tracing is on (the event loops names it per request)
     * @param path   its path
     * @param header its headers by name (null when absent)
     * @param work   what serves it, on this thread
     * @param status the answer's status once the work is done
     */
    public void traced(
            java.util.function.Supplier<Method> method,
            String path,
            java.util.function.UnaryOperator<String> header,
            Runnable work,
            java.util.function.IntSupplier status) {
        Method named = tracing.enabled() ? method.get() : null;
        String route = named == null ? null : route(named, path);
        if (route == null) {
            work.run();
            return;
        }
        Context parent = TraceHeaders.extract(header::apply);
        Span span = tracing.tracer()
                .spanBuilder(named.text() + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", named.text())
                .setAttribute("http.route", route)
                .setAttribute("url.path", path)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            work.run();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            int code = status.getAsInt();
            span.setAttribute("http.response.status_code", code);
            if (code >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /**
     * @return the route template of a traced request, or null for requests that are not traced
     */
    static String route(Method method, String path) {
        boolean post = method == Method.POST;
        if (post && path.startsWith("/invoke/")) {
            return "/invoke/{function}";
        }
        if (post && path.startsWith("/publish/mcp/")) {
            return "/publish/mcp/{function}";
        }
        if (post && path.startsWith("/publish/")) {
            return "/publish/{topic}";
        }
        if ((post || method == Method.DELETE) && path.startsWith("/mcp/")) {
            return path.endsWith("/messages") ? "/mcp/{function}/messages" : "/mcp/{function}";
        }
        return null;
    }
}
