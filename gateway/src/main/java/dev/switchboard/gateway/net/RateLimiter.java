package dev.switchboard.gateway.net;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address): {@code rate} requests a second on average, bursts of up to
 * {@code burst}. The number of keys tracked is bounded: full buckets are dropped when the table grows
 * past its bound (a full bucket is what a new key would get anyway), so a flood of distinct addresses
 * cannot grow memory without limit.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond average requests a second
     * @param burst     largest burst
     * @param nanoTime  time source ({@code System::nanoTime}; a hand-moved one in tests)
     */
    public RateLimiter(double perSecond, double burst, LongSupplier nanoTime) {
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one token for a key.
     *
     * @param key who is asking
     * @return 0 when the request may go ahead, else how many nanoseconds until it could
     */
    public long acquire(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= MAX_KEYS) {
            dropFullBuckets(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updated) * ratePerNano);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / ratePerNano);
        }
    }

    /** @return keys tracked now */
    public int size() {
        return buckets.size();
    }

    private void dropFullBuckets(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            synchronized (b) {
                if (b.tokens + (now - b.updated) * ratePerNano >= burst) {
                    it.remove();
                }
            }
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
