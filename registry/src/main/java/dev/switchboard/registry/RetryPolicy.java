package dev.switchboard.registry;

import java.time.Duration;

/**
 * How often the gateway retries a failed call, and only where it is safe: when the function could not be
 * reached at all (the request was never sent), and for idempotent methods also on 502, 503 or 504. The
 * invocation's timeout still bounds all attempts together.
 *
 * @param attempts extra attempts after the first (0 = no retry)
 * @param backoff  pause before each retry
 */
public record RetryPolicy(int attempts, Duration backoff) {
    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO);

    public static final int MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
}
