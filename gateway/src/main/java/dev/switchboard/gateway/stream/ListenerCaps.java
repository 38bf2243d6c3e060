package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.OverdueHeads;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection caps of one port's event loops, shared by them: the connections held (against the
 * descriptor budget), the overdue heads still being read per capped address, and the kept-alive connections idle
 * between requests (shed at the cap). Each loop accepts from the same port and counts here, so the caps hold
 * for the listener whichever loop the kernel hands a connection to.
 */
final class ListenerCaps {
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final OverdueHeads overdueHeads;
    private final IdleConnections idle = new IdleConnections();

    /**
     * @param maxConnections  connections held at most, over all loops
     * @param maxPendingHeads overdue heads being read at once from one capped address, over all loops
     */
    ListenerCaps(int maxConnections, int maxPendingHeads) {
        this.maxConnections = maxConnections;
        this.overdueHeads = new OverdueHeads(maxPendingHeads);
    }

    /** @return the kept-alive connections waiting for their next request, over all loops */
    IdleConnections idle() {
        return idle;
    }

    /** @return whether the listener holds as many connections as it may */
    boolean full() {
        return open.get() >= maxConnections;
    }

    /** A connection was accepted (counted until {@link #closed}). */
    void opened() {
        open.incrementAndGet();
    }

    /** An accepted connection closed. */
    void closed() {
        open.decrementAndGet();
    }

    /** @return the overdue heads per capped address, over all loops */
    OverdueHeads overdueHeads() {
        return overdueHeads;
    }
}
