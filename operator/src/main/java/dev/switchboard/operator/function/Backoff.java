package dev.switchboard.operator.function;

import java.time.Duration;
import java.time.Instant;

/**
 * Retry delay for a function that is not ready: as long as it has been failing, between {@link #MIN} and
 * {@link #MAX}. Derived from the time the failure began (kept in the status), so the delay roughly doubles
 * with each attempt (5 s, 10 s, 20 s, 40 s, 60 s...) without any in-memory bookkeeping, and survives restarts.
 */
final class Backoff {
    static final Duration MIN = Duration.ofSeconds(5);
    static final Duration MAX = Duration.ofSeconds(60);

    private Backoff() {}

    /**
     * @param failingSince when the failure began
     * @param now          the current time
     * @return how long to wait before the next attempt
     */
    static Duration after(Instant failingSince, Instant now) {
        Duration elapsed = Duration.between(failingSince, now);
        if (elapsed.compareTo(MIN) < 0) {
            return MIN;
        }
        return elapsed.compareTo(MAX) > 0 ? MAX : elapsed;
    }
}
