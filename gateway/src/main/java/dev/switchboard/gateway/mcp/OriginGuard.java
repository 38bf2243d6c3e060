package dev.switchboard.gateway.mcp;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

/**
 * Refuses browser requests from origins not on the allow-list (403), which defeats DNS rebinding: a page
 * on another site that resolves to this gateway still sends its own {@code Origin}. Requests without an
 * {@code Origin} (non-browser clients) pass. An entry without a port matches any port.
 */
final class OriginGuard {
    private final List<String> allowed;
    private final boolean any;

    /** @param allowed allowed origins such as {@code http://localhost} or {@code https://app.example.com:8443}, or {@code *} */
    OriginGuard(List<String> allowed) {
        this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.any = this.allowed.contains("*");
    }

    /**
     * @param req a request
     * @throws McpException 403 when its origin is not allowed
     */
    void check(ServerRequest req) {
        if (any) {
            return;
        }
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null || isAllowed(origin.trim().toLowerCase(Locale.ROOT))) {
            return;
        }
        throw new McpException(Status.FORBIDDEN_403, JsonRpc.GATEWAY_ERROR,
                               "origin " + origin + " is not allowed (MCP_ALLOWED_ORIGINS)");
    }

    private boolean isAllowed(String origin) {
        if (allowed.contains(origin)) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        String withoutPort = uri.getScheme() + "://" + uri.getHost();
        return allowed.contains(withoutPort);
    }
}
