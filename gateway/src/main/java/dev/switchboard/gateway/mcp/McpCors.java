package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.cors.RouteCors;
import java.util.List;

/**
 * CORS on every MCP route ({@code /mcp/{name}}, {@code /mcp/{name}/sse}, {@code /mcp/{name}/messages}) for
 * the origins {@code MCP_ALLOWED_ORIGINS} admits, so a page on another origin can use the gateway with
 * {@code fetch}: a page can then read a 401's {@code WWW-Authenticate} and an initialize's
 * {@code Mcp-Session-Id}. Origins off the list get no CORS header, and {@link OriginGuard} refuses their
 * requests (403).
 */
public final class McpCors {
    private McpCors() {}

    /**
     * @param allowedOrigins the configured {@code MCP_ALLOWED_ORIGINS}
     * @return the filter answering preflights and adding CORS headers on the MCP routes
     */
    public static RouteCors filter(List<String> allowedOrigins) {
        return new RouteCors(CorsPolicy.forMcp(allowedOrigins), McpCors::isMcpRoute);
    }

    /**
     * @param path a request path
     * @return whether it is one of the MCP routes
     */
    static boolean isMcpRoute(String path) {
        return McpRoute.of(path).isPresent();
    }
}
