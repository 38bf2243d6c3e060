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
 * ({@link #forget}; ended, initialized, recovered, changed); a replica that may have missed signals (its subscription
 * connection was re-made) forgets everything ({@link #forgetAll}). Either way nothing stays longer than the
 * interval. A record read while a signal arrived is not kept: a read that began before the session was forgotten
 * may have returned what the signal replaced ({@link #renewed(McpSession, long)}).
 */
final class SessionRenewals {
    /** Entries kept before the old ones are swept out (each live session in the interval holds one). */
    private static final int SWEEP_ABOVE = 4096;

    /** When a session was last stored or renewed here, and its record then; a null record: forgotten then. */
    private record Renewal(long at, McpSession session) {}

    private final ConcurrentHashMap<String, Renewal> renewed = new ConcurrentHashMap<>();
    private final long intervalNanos;
    /** When the map was last swept: at most once per interval, not on every renewal once it is large. */
    private final java.util.concurrent.atomic.AtomicLong sweptAt =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    /** When everything was last forgotten ({@link #forgetAll}). */
    private volatile long allForgottenAt = System.nanoTime() - Long.MAX_VALUE / 2;

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
        return r != null && r.session() != null && System.nanoTime() - r.at() < intervalNanos ? r.session() : null;
    }

    /** @return when a read of a session's record begins, for {@link #renewed(McpSession, long)} */
    long reading() {
        return System.nanoTime();
    }

    /** @param session a session whose record this replica just stored (with its TTL in full) */
    void renewed(McpSession session) {
        long now = System.nanoTime();
        renewed.put(session.id(), new Renewal(now, session));
        sweep(now);
    }

    /**
     * @param session    a session whose record was just read and its TTL set in full
     * @param readBegan  when the read began ({@link #reading}): a session forgotten since is not kept, as the read
     *                   may have returned what the signal replaced
     */
    void renewed(McpSession session, long readBegan) {
        if (allForgottenAt - readBegan >= 0) {
            return;
        }
        long now = System.nanoTime();
        renewed.compute(
                session.id(),
                (id, old) -> old != null && old.session() == null && old.at() - readBegan >= 0
                        ? old
                        : new Renewal(now, session));
        sweep(now);
    }

    private void sweep(long now) {
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
        // kept as forgotten for an interval: a read that began before now does not bring the record back
        renewed.put(id, new Renewal(System.nanoTime(), null));
    }

    /** Forgets every session: signals of changes may have been missed. */
    void forgetAll() {
        allForgottenAt = System.nanoTime();
        renewed.clear();
    }
}
