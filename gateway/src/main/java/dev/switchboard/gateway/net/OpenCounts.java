package dev.switchboard.gateway.net;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of something each key holds open (streams per identity, streams per address), each count
 * capped; a key holding nothing takes no memory.
 */
public final class OpenCounts {
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /**
     * @param key who opens one more
     * @param max how many the key may hold
     * @return whether it may; when true, {@link #release} must follow
     */
    public boolean tryAcquire(String key, int max) {
        boolean[] admitted = {false};
        open.compute(key, (k, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < max) {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return admitted[0];
    }

    /** @param key who closed one */
    public void release(String key) {
        open.computeIfPresent(key, (k, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /**
     * @param key a key
     * @return what it holds open
     */
    public int count(String key) {
        AtomicInteger c = open.get(key);
        return c == null ? 0 : c.get();
    }
}
