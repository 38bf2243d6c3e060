package dev.switchboard.gateway.stream;

import java.util.BitSet;

/**
 * The event loop's heartbeat schedule: entries bucketed by the tick their next heartbeat falls in, so that a tick
 * visits only the streams due in it instead of walking every connection (measured: the walk of 5,000 selection
 * keys once a second was about a fifth of the loop's CPU on idle streams). An entry is linked into its slot
 * (two references and an index it carries itself: no node, no allocation), unlinked in O(1) when its
 * connection closes.
 *
 * <p>A revolution is one heartbeat interval ({@code slots × tick}), so an entry that beats stays in its slot and
 * comes up again one interval later: each stream keeps its own phase, and heartbeats stay spread over the interval
 * as they were opened. A visit is at the first tick at or after an entry's due time (at most one tick late, as the
 * walk was); an entry found not yet due (an interval that is not a whole number of ticks, or a loop that fell
 * behind) moves to the slot of its due time. Loop thread only.
 *
 * @param <E> the entries
 */
final class HeartbeatWheel<E extends HeartbeatWheel.Entry> {
    /** What the wheel links: the entry carries its own links. */
    static class Entry {
        private Entry previous;
        private Entry next;
        /** The slot it is linked in, or -1. */
        private int slot = -1;

        /** @return whether it is on a wheel */
        final boolean scheduled() {
            return slot >= 0;
        }
    }

    /** Called for each entry of a slot whose tick has come. */
    @FunctionalInterface
    interface Visitor<E> {
        /**
         * @param entry an entry whose slot's tick has come (its heartbeat is due, or it is early: check)
         * @param now   {@link System#nanoTime()} of this pass
         * @return the entry's next due time ({@link System#nanoTime()} scale); ignored when the visit removed it
         */
        long visit(E entry, long now);
    }

    private final Entry[] heads;
    /** The slots that hold an entry: the loop sleeps through empty ticks ({@link #nextBusyTickNanos}). */
    private final BitSet busy;

    private final long tickNanos;
    private final long origin;
    /** Index (from {@link #origin}) of the next tick to visit. */
    private long nextTick;

    private int size;

    /**
     * @param intervalNanos the heartbeat interval: one revolution
     * @param maxTickNanos  the longest tick (how late a heartbeat may be): the interval is cut into as many whole
     *                      ticks as this needs; an interval shorter than this is one slot of this length
     * @param now           {@link System#nanoTime()} at start
     */
    HeartbeatWheel(long intervalNanos, long maxTickNanos, long now) {
        if (intervalNanos <= 0 || maxTickNanos <= 0) {
            throw new IllegalArgumentException("interval and tick must be positive");
        }
        int slots = (int) Math.max(1, Math.min(1 << 16, ceilDiv(intervalNanos, maxTickNanos)));
        this.heads = new Entry[slots];
        this.busy = new BitSet(slots);
        this.tickNanos = intervalNanos < maxTickNanos ? maxTickNanos : intervalNanos / slots;
        this.origin = now;
        this.nextTick = 1;
    }

    /** @return the length of a tick */
    long tickNanos() {
        return tickNanos;
    }

    /** @return the number of slots (ticks per revolution) */
    int slots() {
        return heads.length;
    }

    /** @return when the next tick is due ({@link System#nanoTime()} scale) */
    long nextTickNanos() {
        return origin + nextTick * tickNanos;
    }

    /**
     * When the next tick with a slot that holds an entry is due: the loop need not wake for the ticks before it, so
     * short ticks cost no wake-ups where no stream beats.
     *
     * @return that tick's time ({@link System#nanoTime()} scale), or one revolution after the next tick when the
     *     wheel is empty
     */
    long nextBusyTickNanos() {
        int from = (int) Math.floorMod(nextTick, (long) heads.length);
        int found = busy.nextSetBit(from);
        if (found < 0) {
            // wrap round: the first busy slot before it
            found = busy.nextSetBit(0);
        }
        long ahead = found < 0 ? heads.length : Math.floorMod(found - from, heads.length);
        return origin + (nextTick + ahead) * tickNanos;
    }

    /** @return entries on the wheel */
    int size() {
        return size;
    }

    /**
     * Schedules an entry for its next heartbeat.
     *
     * @param entry    an entry not on the wheel
     * @param dueNanos when its heartbeat is due
     */
    void add(E entry, long dueNanos) {
        if (entry.scheduled()) {
            throw new IllegalStateException("already scheduled");
        }
        link(entry, slotOf(dueNanos));
        size++;
    }

    /** Takes an entry off the wheel (nothing when it is not on it). */
    void remove(E entry) {
        if (!entry.scheduled()) {
            return;
        }
        unlink(entry);
        size--;
    }

    /**
     * Visits the entries of every slot whose tick has come by {@code now} (each slot once at most, however late the
     * loop is), in tick order, and places each entry still on the wheel by the due time its visit returns.
     *
     * @param now     {@link System#nanoTime()}
     * @param visitor writes what is due; may remove the entry it is given (and only that one)
     */
    @SuppressWarnings("unchecked")
    void advance(long now, Visitor<E> visitor) {
        long last = Math.floorDiv(now - origin, tickNanos);
        long first = Math.max(nextTick, last - heads.length + 1);
        for (long tick = first; tick <= last; tick++) {
            int slot = (int) Math.floorMod(tick, (long) heads.length);
            Entry entry = heads[slot];
            while (entry != null) {
                Entry following = entry.next;
                long due = visitor.visit((E) entry, now);
                if (entry.scheduled()) {
                    int to = slotOf(due);
                    if (to != entry.slot) {
                        unlink(entry);
                        link(entry, to);
                    }
                }
                entry = following;
            }
        }
        nextTick = Math.max(nextTick, last + 1);
    }

    /** The slot of the first tick at or after a due time (the next tick's when that time has passed). */
    private int slotOf(long dueNanos) {
        long tick = Math.max(nextTick, ceilDiv(dueNanos - origin, tickNanos));
        return (int) Math.floorMod(tick, (long) heads.length);
    }

    private void link(Entry entry, int slot) {
        Entry head = heads[slot];
        entry.previous = null;
        entry.next = head;
        if (head != null) {
            head.previous = entry;
        }
        heads[slot] = entry;
        entry.slot = slot;
        busy.set(slot);
    }

    private void unlink(Entry entry) {
        if (entry.previous != null) {
            entry.previous.next = entry.next;
        } else {
            heads[entry.slot] = entry.next;
            if (entry.next == null) {
                busy.clear(entry.slot);
            }
        }
        if (entry.next != null) {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        entry.slot = -1;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
