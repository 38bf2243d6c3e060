package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.mcp.McpRoute;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import io.helidon.http.Headers;
import java.util.Optional;

/**
 * A request on the stream listener that a virtual thread serves over the connection ({@link BlockingExchanges}),
 * rather than the loop: an MCP route's request the loop does not hold, or a call to a function.
 */
sealed interface ExchangeRoute {
    /** @return the name in the path: the MCP server's or the function's */
    String name();

    /** @param route an MCP route, its POST, DELETE, messages or a POST stream's resume */
    record Mcp(McpRoute route) implements ExchangeRoute {
        @Override
        public String name() {
            return route.server();
        }
    }

    /** @param name the function of {@code POST /invoke/{function}} */
    record Invoke(String name) implements ExchangeRoute {}

    /**
     * @param method  the request's method
     * @param path    its path
     * @param headers its headers
     * @return its route when a virtual thread serves it; empty when the loop does (streams, preflights, refusals)
     */
    static Optional<ExchangeRoute> of(String method, String path, Headers headers) {
        Optional<McpRoute> mcp = McpRoute.of(path);
        if (mcp.isPresent()) {
            return McpStreamOpener.heldOnTheLoop(mcp.get(), method, headers)
                    ? Optional.empty()
                    : Optional.of(new Mcp(mcp.get()));
        }
        return invokedFunction(path)
                .filter(name -> method.equals("POST") && !CorsPolicy.isPreflight(method, headers))
                .map(Invoke::new);
    }

    /**
     * @param path a request's path
     * @return the {@code function} of {@code /invoke/{function}}, if the path is one
     */
    static Optional<String> invokedFunction(String path) {
        int start = "/invoke/".length();
        if (!path.startsWith("/invoke/") || path.length() == start || path.indexOf('/', start) >= 0) {
            return Optional.empty();
        }
        return Optional.of(path.substring(start));
    }
}
