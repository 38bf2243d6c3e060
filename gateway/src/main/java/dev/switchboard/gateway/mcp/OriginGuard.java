package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.cors.AllowedOrigins;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.util.List;

/**
 * Refuses browser requests from origins not on the allow-list (403), which defeats DNS rebinding: a page
 * on another site that resolves to this gateway still sends its own {@code Origin}. Requests without an
 * {@code Origin} (non-browser clients) pass. The same list decides which pages get CORS headers
 * ({@link dev.switchboard.gateway.cors.CorsPolicy#forMcp}).
 */
final class OriginGuard {
    private final AllowedOrigins allowed;

    /** @param allowed allowed origins such as {@code http://localhost} or {@code https://app.example.com:8443}, or {@code *} */
    OriginGuard(List<String> allowed) {
        this.allowed = AllowedOrigins.of(allowed);
    }

    /**
     * @param headers a request's headers (either listener's)
     * @throws McpException 403 when its origin is not allowed
     */
    void check(io.helidon.http.Headers headers) {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null || allowed.allows(origin)) {
            return;
        }
        throw new McpException(
                Status.FORBIDDEN_403,
                JsonRpc.GATEWAY_ERROR,
                "origin " + origin + " is not allowed (MCP_ALLOWED_ORIGINS)");
    }
}
