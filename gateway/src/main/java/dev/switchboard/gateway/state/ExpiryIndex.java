package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The memory store's expiring entries filed by the second of their deadline, so that a sweep visits the entries
 * whose deadline has passed instead of every entry: walking all of them every 10 s cost 7-9 ms at 10,000 idle MCP
 * sessions (bench/notes.md, 2026-12-06 tenth session). An entry whose deadline moves later needs nothing: the sweep
 * asks the entry's deadline when its second comes and files it again under the later one. One whose deadline moves
 * earlier is filed again, and its first filing stays until its second comes: an entry is filed at most a horizon
 * ahead (and asked again then), so that a filing left behind holds what it files no longer than that.
 *
 * <p>Filing is lock-free, from any thread (it runs on the store's write paths); sorting the filed entries by second
 * and sweeping happen under the index's lock, in {@link #sweep}.
 *
 * @param <T> what is filed: the store's key or entry
 */
final class ExpiryIndex<T> {
    private static final long SECOND = 1_000;

    /** How the store answers for one of its entries at a sweep. */
    @FunctionalInterface
    interface Deadlines<T> {
        /**
         * Removes the entry when its deadline has passed.
         *
         * @param entry   an entry filed under a second that has passed, or filed since the last sweep
         * @param nowMillis the store's time
         * @return its deadline now (milliseconds), or -1 when it is gone: removed now or before, or replaced
         */
        long expireOrDeadline(T entry, long nowMillis);
    }

    /** How far ahead an entry is filed at most. */
    private final long horizonMillis;
    /** Filed since the last sweep, not sorted yet. */
    private final Queue<T> filed = new ConcurrentLinkedQueue<>();
    /** Entries by the second their deadline falls in; guarded by this. */
    private final TreeMap<Long, List<T>> bySecond = new TreeMap<>();

    /**
     * @param horizon how far ahead an entry is filed at most: one whose deadline is further is asked again then;
     *                {@code null} for no bound (when a deadline never moves earlier)
     */
    ExpiryIndex(Duration horizon) {
        this.horizonMillis = horizon == null ? Long.MAX_VALUE / 2 : horizon.toMillis();
    }

    /** @param entry an entry whose deadline is new, or earlier than the one it was filed under */
    void file(T entry) {
        filed.add(entry);
    }

    /**
     * Files what was filed since the last sweep, then removes the entries whose second has passed and files those
     * still alive under their deadline now.
     *
     * @param nowMillis the store's time
     * @param deadlines the store's answer for each entry
     * @return how many entries the store was asked about (what the sweep cost)
     */
    synchronized int sweep(long nowMillis, Deadlines<T> deadlines) {
        int asked = 0;
        long current = Math.floorDiv(nowMillis, SECOND);
        for (T entry; (entry = filed.poll()) != null; ) {
            asked++;
            sort(entry, deadlines.expireOrDeadline(entry, nowMillis), nowMillis);
        }
        // only whole seconds that have passed: what is filed again lands in this second or later, so the loop ends
        Map.Entry<Long, List<T>> due;
        while ((due = bySecond.firstEntry()) != null && due.getKey() < current) {
            bySecond.pollFirstEntry();
            for (T entry : due.getValue()) {
                asked++;
                sort(entry, deadlines.expireOrDeadline(entry, nowMillis), nowMillis);
            }
        }
        return asked;
    }

    /** @return entries filed, sorted or not (a filing that was replaced counts until its second comes) */
    synchronized int size() {
        int n = filed.size();
        for (List<T> entries : bySecond.values()) {
            n += entries.size();
        }
        return n;
    }

    private void sort(T entry, long deadlineMillis, long nowMillis) {
        if (deadlineMillis < 0) {
            return;
        }
        long due = Math.min(deadlineMillis, nowMillis + horizonMillis);
        long second = Math.max(Math.floorDiv(nowMillis, SECOND), Math.floorDiv(due, SECOND));
        bySecond.computeIfAbsent(second, s -> new ArrayList<>()).add(entry);
    }
}
