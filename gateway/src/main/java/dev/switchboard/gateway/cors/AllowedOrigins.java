package dev.switchboard.gateway.cors;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A configured list of browser origins ({@code MCP_ALLOWED_ORIGINS}, {@code SSE_CORS_ORIGINS}): {@code *}
 * for any, else origins such as {@code https://app.example.com:8443}, compared without regard to case. An
 * entry without a port matches any port ({@code http://localhost} allows a dev server on any port).
 */
public final class AllowedOrigins {
    private final List<String> entries;
    private final boolean any;

    private AllowedOrigins(List<String> entries) {
        this.entries =
                entries.stream().map(o -> o.trim().toLowerCase(Locale.ROOT)).toList();
        this.any = this.entries.contains("*");
    }

    /**
     * @param entries the configured values
     * @return the list
     */
    public static AllowedOrigins of(List<String> entries) {
        return new AllowedOrigins(entries);
    }

    /** @return whether every origin is allowed ({@code *}) */
    public boolean any() {
        return any;
    }

    /**
     * @param origin an {@code Origin} header's value
     * @return whether it is on the list
     */
    public boolean allows(String origin) {
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (any || entries.contains(normalized)) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(normalized);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        return entries.contains(uri.getScheme() + "://" + uri.getHost());
    }
}
