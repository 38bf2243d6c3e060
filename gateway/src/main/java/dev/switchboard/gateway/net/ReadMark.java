package dev.switchboard.gateway.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When one blocking read in progress must end, shared by its reader and {@link ReadWatch}. The reader arms the mark
 * before the read and disarms it after; the watch expires it once past (and then closes the connection, which ends
 * the read). Disarming tells the reader which of the two ended its read: the watch (a time-out) or the peer. The
 * compare-and-set makes that answer exact when the watch and the read's own end race.
 */
public final class ReadMark {
    /** No read in progress. */
    private static final long NOT_READING = Long.MAX_VALUE;
    /** The watch ended the read. */
    private static final long EXPIRED = Long.MIN_VALUE;

    private final AtomicLong mark = new AtomicLong(NOT_READING);

    /** @param deadline {@link System#nanoTime()} by which the read about to begin must end */
    public void arm(long deadline) {
        mark.set(deadline);
    }

    /**
     * The read ended, however.
     *
     * @return whether the watch ended it (the read timed out and its connection is closed)
     */
    public boolean disarm() {
        return mark.getAndSet(NOT_READING) == EXPIRED;
    }

    /** @return whether a read is in progress and not yet expired */
    public boolean reading() {
        long at = mark.get();
        return at != NOT_READING && at != EXPIRED;
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return whether a read is in progress and its mark is still ahead
     */
    public boolean ahead(long now) {
        long at = mark.get();
        return at != NOT_READING && at != EXPIRED && now - at < 0;
    }

    /**
     * From the watch: expires the read in progress when its mark has passed. The caller then closes the connection.
     *
     * @param now {@link System#nanoTime()}
     * @return whether it expired it now (once per read)
     */
    public boolean expireIfPast(long now) {
        long at = mark.get();
        return at != NOT_READING && at != EXPIRED && now - at >= 0 && mark.compareAndSet(at, EXPIRED);
    }
}
