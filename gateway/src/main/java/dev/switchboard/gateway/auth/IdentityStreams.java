package dev.switchboard.gateway.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many streams each authenticated identity holds open on this replica ({@code MAX_STREAMS_PER_IDENTITY}),
 * so one caller cannot take every connection. Anonymous streams are not counted here: the per-client and
 * per-replica limits bound them.
 */
public final class IdentityStreams {
    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** @param max streams one identity may hold */
    public IdentityStreams(int max) {
        this.max = max;
    }

    /** @return the limit */
    public int max() {
        return max;
    }

    /**
     * @param identity who opens a stream
     * @return whether it may; when true, {@link #release} must follow when the stream ends
     */
    public boolean acquire(Identity identity) {
        if (identity.isAnonymous()) {
            return true;
        }
        boolean[] admitted = {false};
        open.compute(identity.scope(), (key, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < max) {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return admitted[0];
    }

    /** @param identity who held a stream that ended */
    public void release(Identity identity) {
        if (identity.isAnonymous()) {
            return;
        }
        open.computeIfPresent(identity.scope(), (key, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /**
     * @param identity an identity
     * @return its open streams here
     */
    public int count(Identity identity) {
        AtomicInteger c = open.get(identity.scope());
        return c == null ? 0 : c.get();
    }
}
