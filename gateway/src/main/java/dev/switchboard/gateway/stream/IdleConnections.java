package dev.switchboard.gateway.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream listener's kept-alive connections waiting, each on its virtual thread, for the client's next
 * request, shared by the listener's loops. Such a connection costs a descriptor for up to {@code KEEP_ALIVE_TIMEOUT}
 * while nobody uses it: at the listener's cap, when no connection is still sending its head, the loop closes the
 * one idle the longest to accept a new one (a client sees its idle connection closed, as when the time-out ends
 * it), rather than stop accepting until one leaves by itself.
 *
 * <p>One shed at a time: the descriptor comes back only once the connection's thread has seen the close and the
 * loop has closed it, and shedding again before that would close connections the cap no longer needs closed.
 */
final class IdleConnections {
    /** Each idle connection, with when it began to wait ({@link System#nanoTime()}). */
    private final Map<SocketChannel, Long> idle = new ConcurrentHashMap<>();
    /** Shed, not yet closed by their loop. */
    private final Set<SocketChannel> shedding = ConcurrentHashMap.newKeySet();
    /** Connections shed so far (a metric). */
    private final java.util.concurrent.atomic.AtomicLong shed = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param channel a kept-alive connection that answered its request and waits for the next
     * @param since   when its answer ended ({@link System#nanoTime()}): a connection that moves from one thread to
     *                another while it waits keeps its rank
     */
    void waiting(SocketChannel channel, long since) {
        idle.put(channel, since);
    }

    /**
     * The connection's next request began, or the connection ends.
     *
     * @param channel a connection {@link #waiting}
     * @return false when it was shed meanwhile (it is being closed: serve nothing more on it)
     */
    boolean busy(SocketChannel channel) {
        return idle.remove(channel) != null;
    }

    /** @return whether {@link #shedOldest()} would close a connection now */
    boolean canShed() {
        return shedding.isEmpty() && !idle.isEmpty();
    }

    /**
     * Closes the connection idle the longest, unless one shed before is still being closed.
     *
     * @return whether one was closed
     */
    boolean shedOldest() {
        if (!shedding.isEmpty()) {
            return false;
        }
        // a scan, but only at the listener's cap, and over idle connections alone
        Map.Entry<SocketChannel, Long> oldest = null;
        for (Map.Entry<SocketChannel, Long> e : idle.entrySet()) {
            if (oldest == null || e.getValue() - oldest.getValue() < 0) {
                oldest = e;
            }
        }
        if (oldest == null || idle.remove(oldest.getKey()) == null) {
            return false; // none, or its request began meanwhile
        }
        SocketChannel channel = oldest.getKey();
        shedding.add(channel);
        shed.incrementAndGet();
        try {
            // wakes its thread's blocked read, which then ends the connection
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
        return true;
    }

    /** @param channel a connection its loop closed: a shed one no longer holds the next shed back */
    void closed(SocketChannel channel) {
        shedding.remove(channel);
    }

    /** @return connections waiting for their next request now */
    int count() {
        return idle.size();
    }

    /** @return connections shed so far */
    long shed() {
        return shed.get();
    }
}
