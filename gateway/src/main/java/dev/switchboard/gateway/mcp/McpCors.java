package dev.switchboard.gateway.mcp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.switchboard.gateway.http.CorsPolicy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS on every MCP route ({@code /mcp/{name}}, {@code /mcp/{name}/sse}, {@code /mcp/{name}/messages}) for
 * the origins {@code MCP_ALLOWED_ORIGINS} admits, so a page on another origin can use the gateway with
 * {@code fetch}. Preflights are answered here (204, before authentication: browsers send them without
 * credentials); every other answer, refusals included, gets its {@code Access-Control-*} headers before
 * the request goes on, so a page can read a 401's {@code WWW-Authenticate} and an initialize's
 * {@code Mcp-Session-Id}. Origins off the list get no CORS header, and {@link OriginGuard} refuses their
 * requests (403).
 */
public final class McpCors implements io.helidon.webserver.http.Filter {
    private static final io.helidon.http.HeaderName REQUEST_HEADERS =
            HeaderNames.create("Access-Control-Request-Headers");

    private final CorsPolicy policy;

    /** @param allowedOrigins the configured {@code MCP_ALLOWED_ORIGINS} */
    public McpCors(List<String> allowedOrigins) {
        this.policy = CorsPolicy.forMcp(allowedOrigins);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!isMcpRoute(req.path().path())) {
            chain.proceed();
            return;
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (CorsPolicy.isPreflight(req.prologue().method().text(), req.headers())) {
            // a preflight opens nothing: an origin off the list gets a bare 204, which the browser refuses
            set(res, policy.preflight(origin, req.headers().first(REQUEST_HEADERS)));
            res.status(Status.NO_CONTENT_204);
            res.send();
            return;
        }
        set(res, policy.response(origin));
        chain.proceed();
    }

    private static void set(RoutingResponse res, Map<String, String> headers) {
        headers.forEach((name, value) -> res.header(HeaderNames.create(name), value));
    }

    /**
     * @param path a request path
     * @return whether it is one of the MCP routes
     */
    static boolean isMcpRoute(String path) {
        if (!path.startsWith("/mcp/")) {
            return false;
        }
        String[] parts = path.substring(5).split("/", -1);
        if (parts[0].isEmpty()) {
            return false;
        }
        return parts.length == 1 || parts.length == 2 && (parts[1].equals("sse") || parts[1].equals("messages"));
    }
}
