package dev.switchboard.gateway.stream;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event loops' kept-alive connections waiting, each on its thread, for the client's next request, shared by
 * the listener's loops. Such a connection costs a descriptor for up to {@code KEEP_ALIVE_TIMEOUT} while nobody uses
 * it: at the listener's cap, when no connection is still sending its head, the loop closes the one idle the longest
 * to accept a new one (a client sees its idle connection closed, as when the time-out ends it), rather than stop
 * accepting until one leaves by itself.
 *
 * <p>A connection is listed once for as long as a thread serves it ({@link #join}) and turns idle and busy by its
 * own state ({@link Member}): putting it in a shared map as each answer ended and taking it out as the next request
 * began cost every call two contended map updates (bench/notes.md, "the call path's shared maps"). Only shedding, at
 * the cap, walks the list.
 *
 * <p>One shed at a time: the descriptor comes back only once the connection's thread has seen the close and the
 * loop has closed it, and shedding again before that would close connections the cap no longer needs closed.
 */
final class IdleConnections {
    /** A member serving or reading a request. */
    private static final long BUSY = Long.MIN_VALUE;
    /** A member closed while idle, to make room. */
    private static final long SHED = Long.MIN_VALUE + 1;

    /** Every connection a thread serves now, idle or not. */
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    /** Members idle now. */
    private final LongAdder idle = new LongAdder();
    /** Shed, not yet closed by their loop. */
    private final Set<SocketChannel> shedding = ConcurrentHashMap.newKeySet();
    /** Connections shed so far (a metric). */
    private final AtomicLong shed = new AtomicLong();

    /**
     * @param channel a connection a thread begins to serve
     * @return its membership, busy, until {@link Member#close} (once the thread no longer serves it)
     */
    Member join(SocketChannel channel) {
        Member member = new Member(channel);
        members.add(member);
        return member;
    }

    /** One connection's idle state, changed by the thread that serves it alone (and once by a shed). */
    final class Member implements AutoCloseable {
        private final SocketChannel channel;
        /** When it began to wait ({@link System#nanoTime()}), or {@link #BUSY}, or {@link #SHED}. */
        private final AtomicLong idleSince = new AtomicLong(BUSY);

        private Member(SocketChannel channel) {
            this.channel = channel;
        }

        /**
         * It answered its request and waits for the next.
         *
         * @param since when its answer ended ({@link System#nanoTime()}): a connection that moves from one thread to
         *              another while it waits keeps its rank
         */
        void waiting(long since) {
            // a clock reading equal to a marker is as good as one a nanosecond later
            idleSince.set(since == BUSY || since == SHED ? SHED + 1 : since);
            idle.increment();
        }

        /**
         * Its next request began, or it ends.
         *
         * @return false when it was shed meanwhile (it is being closed: serve nothing more on it)
         */
        boolean busy() {
            long was = idleSince.get();
            if (was == BUSY) {
                return true;
            }
            // only a shed changes an idle member's state besides its own thread
            if (was == SHED || !idleSince.compareAndSet(was, BUSY)) {
                return false;
            }
            idle.decrement();
            return true;
        }

        /** Its thread no longer serves it (it ended, or moved to another thread, which joins again). */
        @Override
        public void close() {
            busy();
            members.remove(this);
        }

        /** @return whether it was idle since that reading and is shed now (at most one caller succeeds) */
        private boolean shedIfIdleSince(long since) {
            if (!idleSince.compareAndSet(since, SHED)) {
                return false;
            }
            idle.decrement();
            return true;
        }
    }

    /** @return whether {@link #shedOldest()} would close a connection now */
    boolean canShed() {
        return shedding.isEmpty() && idle.sum() > 0;
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
        // a walk of every connection served, but only at the listener's cap
        Member oldest = null;
        long oldestSince = 0;
        for (Member member : members) {
            long since = member.idleSince.get();
            if (since != BUSY && since != SHED && (oldest == null || since - oldestSince < 0)) {
                oldest = member;
                oldestSince = since;
            }
        }
        if (oldest == null || !oldest.shedIfIdleSince(oldestSince)) {
            return false; // none, or its request began meanwhile
        }
        SocketChannel channel = oldest.channel;
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
        return (int) Math.max(0, idle.sum());
    }

    /** @return connections shed so far */
    long shed() {
        return shed.get();
    }
}
