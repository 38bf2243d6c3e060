package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.net.OpenCounts;

/**
 * How many streams each authenticated identity holds open on this replica ({@code MAX_STREAMS_PER_IDENTITY}),
 * so one caller cannot take every connection. Anonymous streams are not counted here: the per-client and
 * per-replica limits bound them.
 */
public final class IdentityStreams {
    private final int max;
    private final OpenCounts open = new OpenCounts();

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
        return identity.isAnonymous() || open.tryAcquire(identity.scope(), max);
    }

    /** @param identity who held a stream that ended */
    public void release(Identity identity) {
        if (identity.isAnonymous()) {
            return;
        }
        open.release(identity.scope());
    }

    /**
     * @param identity an identity
     * @return its open streams here
     */
    public int count(Identity identity) {
        return open.count(identity.scope());
    }
}
