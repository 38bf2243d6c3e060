package dev.switchboard.registry;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Jackson's parse and write buffers, shared by every thread of the process through a fixed number of slots,
 * each holding one idle {@link BufferRecycler}. A thread takes the first full slot from a place its id
 * picks and gives back to the first empty one; when none is full it makes a new recycler, when none is
 * empty the returned one is left to the collector.
 * <p>
 * Why not Jackson's pools: the thread-local one pins buffers to every virtual thread that holds a stream
 * for hours; the shared concurrent deque allocates a node per release and was 3–7% of a call's samples
 * in the gateway's profiles (bench/notes.md); the bounded one takes a lock. Slots cost two atomic
 * operations per parser or generator, allocate nothing, and bound what is kept.
 */
public final class BufferRecyclerSlots implements RecyclerPool<BufferRecycler> {
    private static final long serialVersionUID = 1L;

    /** The process's slots: four per processor, between 8 and 64. */
    public static final BufferRecyclerSlots SHARED =
            new BufferRecyclerSlots(slotsFor(Runtime.getRuntime().availableProcessors()));

    private final transient AtomicReferenceArray<BufferRecycler> slots;
    private final transient int mask;

    /**
     * @param count how many idle recyclers may be kept; a power of two
     * @throws IllegalArgumentException when {@code count} is not a positive power of two
     */
    BufferRecyclerSlots(int count) {
        if (count <= 0 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("slot count must be a positive power of two: " + count);
        }
        this.slots = new AtomicReferenceArray<>(count);
        this.mask = count - 1;
    }

    /**
     * @param processors processors available to the process
     * @return the slot count for them: a power of two, four per processor, within 8..64
     */
    static int slotsFor(int processors) {
        int wanted = Math.clamp(4L * processors, 8, 64);
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    @Override
    public BufferRecycler acquirePooled() {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int index = (start + i) & mask;
            BufferRecycler idle = slots.get(index);
            if (idle != null && slots.compareAndSet(index, idle, null)) {
                return idle;
            }
        }
        return new BufferRecycler();
    }

    @Override
    public void releasePooled(BufferRecycler recycler) {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int index = (start + i) & mask;
            if (slots.get(index) == null && slots.compareAndSet(index, null, recycler)) {
                return;
            }
        }
        // every slot is full: this recycler's buffers go to the collector
    }

    @Override
    public int pooledCount() {
        int count = 0;
        for (int i = 0; i <= mask; i++) {
            if (slots.get(i) != null) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean clear() {
        for (int i = 0; i <= mask; i++) {
            slots.set(i, null);
        }
        return true;
    }

    /** @return how many recyclers may be kept */
    public int capacity() {
        return mask + 1;
    }

    /** Threads start looking at different slots, so that two rarely contend for one. */
    private int start() {
        long id = Thread.currentThread().threadId();
        return (int) (id ^ (id >>> 16)) & mask;
    }

    /** A mapper read back from bytes shares the process's slots (mappers are not serialized here). */
    private Object readResolve() {
        return SHARED;
    }
}
