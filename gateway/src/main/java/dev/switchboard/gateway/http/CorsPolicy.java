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

    /** @return whether the answer depends on the request's origin (then {@code Vary: Origin} is due) */
    public boolean variesByOrigin() {
        return !any && !origins.isEmpty();
    }
}
