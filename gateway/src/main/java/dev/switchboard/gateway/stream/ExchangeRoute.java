package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.mcp.McpRoute;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import io.helidon.http.Headers;
import java.util.Optional;

/**
 * A request on the event loops that a virtual thread serves over the connection ({@link BlockingExchanges}),
 * rather than the loop: an MCP route's request the loop does not hold, a call to a function, or a publish (to a
 * topic or to an MCP server's sessions).
 */
sealed interface ExchangeRoute {
    /** @return the name in the path: the MCP server's, the function's or the topic's */
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

    /** @param name the topic of {@code POST /publish/{topic}}, as sent */
    record Publish(String name) implements ExchangeRoute {}

    /** @param name the MCP server of {@code POST /publish/mcp/{server}} */
    record McpPublish(String name) implements ExchangeRoute {}

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
        if (!method.equals("POST") || CorsPolicy.isPreflight(method, headers)) {
            return Optional.empty();
        }
        Optional<ExchangeRoute> invoke = invokedFunction(path).map(Invoke::new);
        if (invoke.isPresent()) {
            return invoke;
        }
        Optional<ExchangeRoute> mcpPublish = publishedMcpServer(path).map(McpPublish::new);
        return mcpPublish.isPresent() ? mcpPublish : publishedTopic(path).map(Publish::new);
    }

    /**
     * @param path a request's path
     * @return the {@code function} of {@code /invoke/{function}}, if the path is one
     */
    static Optional<String> invokedFunction(String path) {
        return lastSegment("/invoke/", path);
    }

    /**
     * @param path a request's (decoded) path
     * @return the {@code topic} of {@code /publish/{topic}}, if the path is one: whatever follows {@code /publish/},
     *         an invalid name included (empty, or with a {@code /} that came as {@code %2F}), which the publish refuses
     *         with its documented 400 {@code INVALID_TOPIC} rather than a 404; {@code /publish/mcp/...} is not a topic
     */
    static Optional<String> publishedTopic(String path) {
        String prefix = "/publish/";
        if (!path.startsWith(prefix) || path.startsWith("/publish/mcp/")) {
            return Optional.empty();
        }
        return Optional.of(path.substring(prefix.length()));
    }

    /**
     * @param path a request's path
     * @return the {@code server} of {@code /publish/mcp/{server}}, if the path is one
     */
    static Optional<String> publishedMcpServer(String path) {
        return lastSegment("/publish/mcp/", path);
    }

    private static Optional<String> lastSegment(String prefix, String path) {
        int start = prefix.length();
        if (!path.startsWith(prefix) || path.length() == start || path.indexOf('/', start) >= 0) {
            return Optional.empty();
        }
        return Optional.of(path.substring(start));
    }
}
