package dev.switchboard.gateway.stream;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection caps of one port's event loops, shared by them: the connections held (against the
 * descriptor budget), the overdue heads still being read per capped address, and the kept-alive connections idle
 * between requests (shed at the cap). Each loop accepts from the same port and counts here, so the caps hold
 * for the listener whichever loop the kernel hands a connection to.
 */
final class ListenerCaps {
    private final int maxConnections;
    private final int maxPendingHeads;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> pendingHeads = new ConcurrentHashMap<>();
    private final IdleConnections idle = new IdleConnections();

    /**
     * @param maxConnections  connections held at most, over all loops
     * @param maxPendingHeads overdue heads being read at once from one capped address, over all loops
     */
    ListenerCaps(int maxConnections, int maxPendingHeads) {
        this.maxConnections = maxConnections;
        this.maxPendingHeads = maxPendingHeads;
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

    /**
     * @param address a new connection's capped address
     * @return whether it has as many overdue heads as it may (refuse the connection)
     */
    boolean atPendingHeadCap(InetAddress address) {
        Integer n = pendingHeads.get(address);
        return n != null && n >= maxPendingHeads;
    }

    /**
     * Counts an overdue head from a capped address, unless that address has as many as it may.
     *
     * @param address the client's address
     * @return whether it was counted (false: refuse the connection)
     */
    boolean tryAddPendingHead(InetAddress address) {
        boolean[] added = {false};
        pendingHeads.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPendingHeads) {
                return n;
            }
            added[0] = true;
            return now + 1;
        });
        return added[0];
    }

    /** @param address an address whose counted head was read (or whose connection closed first) */
    void headDone(InetAddress address) {
        pendingHeads.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }
}
