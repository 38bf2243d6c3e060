package dev.switchboard.gateway.mcp;

import java.util.Optional;

/**
 * A path among the MCP routes: the Streamable HTTP endpoint {@code /mcp/{name}}, and the HTTP+SSE transport's
 * {@code /mcp/{name}/sse} and {@code /mcp/{name}/messages}. Both listeners serve them through {@link McpEndpoint}.
 *
 * @param server the {@code name} of the path
 * @param kind   which of the routes
 */
public record McpRoute(String server, Kind kind) {
    /** Which MCP route. */
    public enum Kind {
        /** {@code /mcp/{name}}: Streamable HTTP (POST, GET, DELETE). */
        ENDPOINT,
        /** {@code /mcp/{name}/sse}: an HTTP+SSE session's stream (GET). */
        SSE,
        /** {@code /mcp/{name}/messages}: an HTTP+SSE session's messages (POST). */
        MESSAGES
    }

    /**
     * @param path a request path
     * @return its MCP route, or empty when it is none
     */
    public static Optional<McpRoute> of(String path) {
        if (!path.startsWith("/mcp/")) {
            return Optional.empty();
        }
        String rest = path.substring(5);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return rest.isEmpty() ? Optional.empty() : Optional.of(new McpRoute(rest, Kind.ENDPOINT));
        }
        String server = rest.substring(0, slash);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        return switch (rest.substring(slash + 1)) {
            case "sse" -> Optional.of(new McpRoute(server, Kind.SSE));
            case "messages" -> Optional.of(new McpRoute(server, Kind.MESSAGES));
            default -> Optional.empty();
        };
    }
}
