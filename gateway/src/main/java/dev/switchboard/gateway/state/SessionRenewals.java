package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MCP sessions this replica stored or renewed lately, with their records as then stored, so that a session
 * used many times in a short while costs one store round trip per {@link #interval}, not one per request: a
 * request within the interval of the last renewal here takes the record from here ({@link #fresh}). A session
 * then expires at most one interval earlier than its nominal idle TTL after its last use (the interval is a
 * hundredth of the TTL, at most one second).
 *
 * <p>A record changed or ended by another replica is forgotten here when its session signal arrives
 * ({@link #forget}; ended, initialized, recovered), usually within a millisecond; a replica that may have
 * missed signals (its subscription connection was re-made) forgets everything ({@link #forgetAll}). Either way
 * nothing stays longer than the interval.
 */
final class SessionRenewals {
    /** Entries kept before the old ones are swept out (each live session in the interval holds one). */
    private static final int SWEEP_ABOVE = 4096;

    /** When a session was last stored or renewed here, and its record then. */
    private record Renewal(long at, McpSession session) {}

    private final ConcurrentHashMap<String, Renewal> renewed = new ConcurrentHashMap<>();
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
     * @return the session's record when it was stored or renewed here within the interval (a use now need not
     *         renew it, nor read it), else null
     */
    McpSession fresh(String id) {
        Renewal r = renewed.get(id);
        return r != null && System.nanoTime() - r.at() < intervalNanos ? r.session() : null;
    }

    /**
     * @param id a session id
     * @return whether a use of the session now should renew it (not renewed here within the interval)
     */
    boolean due(String id) {
        return fresh(id) == null;
    }

    /** @param session a session whose record was just stored, or read and its TTL set in full */
    void renewed(McpSession session) {
        long now = System.nanoTime();
        renewed.put(session.id(), new Renewal(now, session));
        long swept = sweptAt.get();
        // with more sessions renewed per interval than SWEEP_ABOVE, sweeping on every renewal would scan the
        // whole map per request; once per interval removes the same stale entries (fresh() treats them alike)
        if (renewed.size() > SWEEP_ABOVE && now - swept >= intervalNanos && sweptAt.compareAndSet(swept, now)) {
            renewed.values().removeIf(r -> now - r.at() >= intervalNanos);
        }
    }

    /** @return sessions remembered now (stale ones go at the next sweep) */
    int tracked() {
        return renewed.size();
    }

    /** @param id a session that ended, or whose record another replica changed */
    void forget(String id) {
        renewed.remove(id);
    }

    /** Forgets every session: signals of changes may have been missed. */
    void forgetAll() {
        renewed.clear();
    }
}
