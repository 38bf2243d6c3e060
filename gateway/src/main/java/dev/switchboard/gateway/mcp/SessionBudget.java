package dev.switchboard.gateway.mcp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code MAX_MCP_SESSIONS}: how many MCP sessions the fleet may hold. Counting the sessions in Redis
 * takes a scan, so it happens in the background; between two counts this replica adds the sessions it
 * opened itself. Other replicas' new sessions show at the next count, so the fleet may overshoot by
 * what the others open within one counting period.
 */
public final class SessionBudget {
    private final int max;
    private final AtomicLong counted = new AtomicLong();
    private final AtomicLong openedSinceCount = new AtomicLong();

    /** @param max sessions the fleet may hold */
    public SessionBudget(int max) {
        this.max = max;
    }

    /** @return the limit */
    public int max() {
        return max;
    }

    /** @param sessions the sessions a fresh count found */
    public void counted(long sessions) {
        counted.set(sessions);
        openedSinceCount.set(0);
    }

    /** @return the sessions open as far as this replica knows */
    public long open() {
        return counted.get() + openedSinceCount.get();
    }

    /** @return whether a new session may open; when true, it is counted */
    public boolean tryOpen() {
        while (true) {
            long since = openedSinceCount.get();
            if (counted.get() + since >= max) {
                return false;
            }
            if (openedSinceCount.compareAndSet(since, since + 1)) {
                return true;
            }
        }
    }
}
