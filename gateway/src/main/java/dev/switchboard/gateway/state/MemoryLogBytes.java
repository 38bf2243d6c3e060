package dev.switchboard.gateway.state;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The bytes the in-memory store's event logs hold, as estimated, against their bound ({@code MEMORY_STORE_MAX_BYTES}):
 * without one, a publisher spreading events over many topics filled the heap and the process exited (a 384 MB heap
 * lasted under two seconds of 1 MB batches to 200 topics). Past the bound the store evicts the oldest events; this
 * says when to start and stop, and tells the log, at most once a minute, that it happened.
 */
final class MemoryLogBytes {
    private static final Logger LOGGER = Logger.getLogger(MemoryLogBytes.class.getName());
    /** An event's fixed cost beside its text: the event, its id and three strings' headers. */
    private static final long EVENT_OVERHEAD = 160;

    private static final long WARN_EVERY_MILLIS = 60_000;

    private final long max;
    /** An eviction frees down to this, a quarter of the bound below it, so that not every append evicts. */
    private final long target;

    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private final AtomicLong evictedTotal = new AtomicLong();
    private volatile long lastWarnedMillis = Long.MIN_VALUE / 2;

    /** @param max the bound, bytes */
    MemoryLogBytes(long max) {
        this.max = max;
        this.target = max - max / 4;
    }

    /**
     * @param event an event
     * @return what it holds, estimated: its text at a byte a character (strings of Latin-1 text are stored so), and
     *     its fixed cost
     */
    static long of(ClientEvent event) {
        return EVENT_OVERHEAD
                + event.id().length()
                + event.type().length()
                + event.data().length();
    }

    void added(long bytes) {
        held.addAndGet(bytes);
    }

    void removed(long bytes) {
        held.addAndGet(-bytes);
    }

    /** @return whether the logs hold more than the bound */
    boolean over() {
        return held.get() > max;
    }

    /** @return whether this thread is to evict (none other does) */
    boolean startEviction() {
        return over() && evicting.compareAndSet(false, true);
    }

    /** @return whether the eviction is to go on */
    boolean aboveEvictionTarget() {
        return held.get() > target;
    }

    void endEviction() {
        evicting.set(false);
    }

    /** @param events how many one eviction removed */
    void evicted(int events) {
        long total = evictedTotal.addAndGet(events);
        long now = System.currentTimeMillis();
        if (events > 0 && now - lastWarnedMillis >= WARN_EVERY_MILLIS) {
            lastWarnedMillis = now;
            LOGGER.warning(() -> "in-memory store over MEMORY_STORE_MAX_BYTES (" + max + " bytes): the oldest events "
                    + "go first, a replay reaches less far back (" + total + " evicted so far)");
        }
    }

    /** @return the bytes held, as estimated */
    long held() {
        return held.get();
    }

    /** @return events evicted since the start */
    long evictedTotal() {
        return evictedTotal.get();
    }
}
