package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this replica last renewed each MCP session's idle time-to-live, so that a session used many times in
 * a short while is renewed once per {@link #interval}, not on every request: the requests in between read
 * the record with a plain {@code GET}. A session then expires at most one interval earlier than its nominal
 * idle TTL after its last use (the interval is a hundredth of the TTL, at most one second).
 */
final class SessionRenewals {
    /** Entries kept before the old ones are swept out (each live session in the interval holds one). */
    private static final int SWEEP_ABOVE = 4096;

    private final ConcurrentHashMap<String, Long> renewedAt = new ConcurrentHashMap<>();
    private final long intervalNanos;
    /** When the map was last swept: at most once per interval, not on every renewal once it is large. */
    private final java.util.concurrent.atomic.AtomicLong sweptAt =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    /** @param sessionTtl the sessions' idle time-to-live */
    SessionRenewals(Duration sessionTtl) {
        this.intervalNanos =
                Math.min(sessionTtl.toNanos() / 100, Duration.ofSeconds(1).toNanos());
    }

    /** @return how long a renewal stands before the next use renews again */
    Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /**
     * @param id a session id
     * @return whether a use of the session now should renew it (not renewed here within the interval)
     */
    boolean due(String id) {
        Long at = renewedAt.get(id);
        return at == null || System.nanoTime() - at >= intervalNanos;
    }

    /** @param id a session whose TTL was just set in full (stored or renewed) */
    void renewed(String id) {
        long now = System.nanoTime();
        renewedAt.put(id, now);
        long swept = sweptAt.get();
        // with more sessions renewed per interval than SWEEP_ABOVE, sweeping on every renewal would scan the
        // whole map per request; once per interval removes the same stale entries (due() treats them alike)
        if (renewedAt.size() > SWEEP_ABOVE && now - swept >= intervalNanos && sweptAt.compareAndSet(swept, now)) {
            renewedAt.values().removeIf(at -> now - at >= intervalNanos);
        }
    }

    /** @return sessions remembered now (stale ones go at the next sweep) */
    int tracked() {
        return renewedAt.size();
    }

    /** @param id a session that ended */
    void forget(String id) {
        renewedAt.remove(id);
    }
}
