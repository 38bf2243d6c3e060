package dev.switchboard.gateway.cors;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * CORS for a family of routes ({@code /invoke}, the MCP routes): preflights answered here (204, before authentication: browsers send them without
 * credentials), and every other answer of the family, refusals included, given its {@code Access-Control-*}
 * headers before the request goes on, so a page can read a 4xx's JSON error too. Origins off the policy get no
 * CORS header, so the browser keeps the answer from the page.
 */
public final class RouteCors implements Filter {
    private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");

    private final CorsPolicy policy;
    private final Predicate<String> routes;

    /**
     * @param policy which origins, methods and headers
     * @param routes which request paths the policy covers
     */
    public RouteCors(CorsPolicy policy, Predicate<String> routes) {
        this.policy = policy;
        this.routes = routes;
    }

    /** @return CORS on {@code /invoke/{function}} for the origins {@code SSE_CORS_ORIGINS} allows */
    public static RouteCors forInvoke(java.util.List<String> sseCorsOrigins) {
        return new RouteCors(
                CorsPolicy.forInvoke(sseCorsOrigins),
                path -> path.startsWith("/invoke/") && path.indexOf('/', "/invoke/".length()) < 0);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!routes.test(req.path().path())) {
            chain.proceed();
            return;
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (CorsPolicy.isPreflight(req.prologue().method().text(), req.headers())) {
            // a preflight runs nothing: an origin off the list gets a bare 204, which the browser refuses
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
}
