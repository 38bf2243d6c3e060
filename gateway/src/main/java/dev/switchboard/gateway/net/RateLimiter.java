package dev.switchboard.gateway.net;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address, an identity): {@code rate} requests a second on average,
 * bursts of up to {@code burst}. The buckets live in a Caffeine table bounded in size, with O(1)
 * eviction whatever the flood of distinct keys:
 * <ul>
 * <li>a bucket idle for as long as an empty one takes to refill is full again, which is what a new key
 * gets anyway, so it expires then and forgetting it changes nothing;</li>
 * <li>past {@link #MAX_KEYS} keys the table evicts by its own policy; an evicted key starts again with a
 * full bucket, so a flood can only make the limit more lenient for the keys it pushes out, never cost a
 * scan or unbounded memory.</li>
 * </ul>
 */
public final class RateLimiter {
    static final int MAX_KEYS = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    /**
     * @param perSecond average requests a second
     * @param burst     largest burst
     * @param nanoTime  time source ({@code System::nanoTime}; a hand-moved one in tests)
     */
    public RateLimiter(double perSecond, double burst, LongSupplier nanoTime) {
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_KEYS)
                .expireAfterAccess(refillTime(perSecond, burst))
                .ticker(nanoTime::getAsLong)
                // upkeep on the calling thread: the bound holds without relying on a shared pool
                .executor(Runnable::run)
                .build();
    }

    private static Duration refillTime(double perSecond, double burst) {
        double nanos = Math.ceil(burst / perSecond * 1e9);
        return Duration.ofNanos(nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) nanos);
    }

    /**
     * Takes one token for a key.
     *
     * @param key who is asking
     * @return 0 when the request may go ahead, else how many nanoseconds until it could
     */
    public long acquire(String key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updated) * ratePerNano);
            bucket.updated = Math.max(now, bucket.updated);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket.tokens) / ratePerNano);
        }
    }

    /** @return keys tracked now, expired and evicted ones removed first */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
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
