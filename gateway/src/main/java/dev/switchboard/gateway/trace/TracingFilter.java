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
        String route =
                tracing.enabled() ? route(req.prologue().method(), req.path().path()) : null;
        if (route == null) {
            chain.proceed();
            return;
        }
        Context parent = TraceHeaders.extract(name ->
                req.headers().first(io.helidon.http.HeaderNames.create(name)).orElse(null));
        String method = req.prologue().method().text();
        Span span = tracing.tracer()
                .spanBuilder(method + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route)
                .setAttribute("url.path", req.path().path())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            int status = res.status().code();
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
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
