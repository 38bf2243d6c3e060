package dev.switchboard.gateway.api;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls this replica has taken on and not finished: a synchronous {@code /invoke} until its answer is written, an
 * accepted asynchronous one until its result is delivered. A stopping replica waits for them, up to
 * {@code SHUTDOWN_GRACE}, before it closes its listeners (MCP calls hold a {@link
 * dev.switchboard.gateway.invoke.CallLimits} place for as long, which it waits for too).
 */
public final class WorkInFlight {
    private final AtomicInteger count = new AtomicInteger();

    /** A call begins; {@link #end()} must follow, once. */
    public void begin() {
        count.incrementAndGet();
    }

    /** A call begun is finished. */
    public void end() {
        count.decrementAndGet();
    }

    /** @return calls begun and not finished */
    public int count() {
        return count.get();
    }
}
