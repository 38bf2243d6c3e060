package dev.switchboard.gateway.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which browser pages may read the generic SSE streams ({@code SSE_CORS_ORIGINS}): {@code *} for any page
 * (the default: a generic stream is meant for browsers), a list of origins (the matching one is echoed,
 * with {@code Vary: Origin}), or {@code none} for no CORS header at all. The admin listener never sends
 * CORS headers.
 */
public final class CorsPolicy {
    private final boolean any;
    private final List<String> origins;

    private CorsPolicy(boolean any, List<String> origins) {
        this.any = any;
        this.origins = origins;
    }

    /**
     * @param setting the configured values
     * @return the policy
     */
    public static CorsPolicy of(List<String> setting) {
        if (setting.size() == 1 && setting.getFirst().equalsIgnoreCase("none")) {
            return new CorsPolicy(false, List.of());
        }
        boolean any = setting.contains("*");
        return new CorsPolicy(any, setting.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * @param origin the request's {@code Origin}, if any
     * @return the {@code Access-Control-Allow-Origin} value to send, if any
     */
    public Optional<String> allowOrigin(Optional<String> origin) {
        if (any) {
            return Optional.of("*");
        }
        return origin.filter(o -> origins.contains(o.toLowerCase(Locale.ROOT)));
    }

    /**
     * The answer to a browser's preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}),
     * which it sends before a stream request carrying {@code Authorization} or {@code Last-Event-ID}.
     *
     * @param origin the request's {@code Origin}, if any
     * @return the headers to answer with; none when the origin may not read streams
     */
    public java.util.Map<String, String> preflight(Optional<String> origin) {
        Optional<String> allowed = allowOrigin(origin);
        if (allowed.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", allowed.get());
        headers.put("Access-Control-Allow-Methods", "GET");
        headers.put("Access-Control-Allow-Headers", "Authorization, X-API-Key, Last-Event-ID, X-User-ID");
        headers.put("Access-Control-Max-Age", "600");
        if (variesByOrigin()) {
            headers.put("Vary", "Origin");
        }
        return headers;
    }

    /**
     * @param method  the request's method
     * @param headers its headers
     * @return whether it is a CORS preflight, which carries no credentials by design
     */
    public static boolean isPreflight(String method, io.helidon.http.Headers headers) {
        return method.equals("OPTIONS") && headers.contains(io.helidon.http.HeaderNames.create(
                "Access-Control-Request-Method"));
    }

    /** @return whether the answer depends on the request's origin (then {@code Vary: Origin} is due) */
    public boolean variesByOrigin() {
        return !any && !origins.isEmpty();
    }
}
