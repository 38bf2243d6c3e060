package dev.switchboard.registry;

import java.time.Duration;

/**
 * An optional periodic probe of a function: {@code GET} on {@code path} relative to the endpoint's origin.
 *
 * @param path     absolute path starting with {@code /}
 * @param interval time between probes
 */
public record HealthCheck(String path, Duration interval) {
    /** Interval used when a registration names a path but no interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
}
