package dev.switchboard.gateway.stream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One event loop's connections not yet serving anything: still sending their head, or held while their stream
 * is being opened off the loop. Kept oldest first, so that the silent ones the loop sheds (at its cap, or when
 * {@code accept()} fails) and the late ones it drops (a slow-loris guard) are found from the front. Loop thread only.
 */
final class OpeningConnections {
    /** Connections opening at most: beyond, the oldest silent one is shed. */
    static final int MAX_OPENING = 4096;
    /** How often the late and overdue heads are looked for. */
    private static final long EXPIRY_CHECK_NANOS = 250_000_000L;

    private final Set<LoopConnection> opening = new LinkedHashSet<>();
    /** How long before its deadline a head is overdue (counted against its address). */
    private final long overdueBeforeDeadlineNanos;

    private long nextExpiryCheck;

    /**
     * @param headTimeoutNanos  how long a head may take ({@code REQUEST_HEAD_TIMEOUT})
     * @param overdueAfterNanos how long a head may take before it counts against its address
     */
    OpeningConnections(long headTimeoutNanos, long overdueAfterNanos) {
        this.overdueBeforeDeadlineNanos = headTimeoutNanos - overdueAfterNanos;
    }

    void add(LoopConnection c) {
        opening.add(c);
    }

    void remove(LoopConnection c) {
        opening.remove(c);
    }

    boolean isEmpty() {
        return opening.isEmpty();
    }

    /** @return whether a new connection must shed an old one first, so that silent floods do not take the loop's memory */
    boolean full() {
        return opening.size() >= MAX_OPENING;
    }

    /** @return whether any connection still sends its head (one the loop could shed) */
    boolean anySendingItsHead() {
        for (LoopConnection c : opening) {
            if (c.head != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param count how many at most
     * @return the oldest connections still sending their head (a stream being opened is not silent: it is left)
     */
    List<LoopConnection> oldestSilent(int count) {
        List<LoopConnection> silent = new ArrayList<>();
        for (LoopConnection c : opening) {
            if (silent.size() == count) {
                break;
            }
            if (c.head != null) {
                silent.add(c);
            }
        }
        return silent;
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return whether the late and overdue heads are due to be looked for: every {@link #EXPIRY_CHECK_NANOS}
     */
    boolean checkDue(long now) {
        if (now - nextExpiryCheck < 0) {
            return false;
        }
        nextExpiryCheck = now + EXPIRY_CHECK_NANOS;
        return true;
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return the connections from a capped address whose head is overdue and not counted yet, oldest first
     */
    List<LoopConnection> newlyOverdue(long now) {
        List<LoopConnection> overdue = new ArrayList<>();
        for (LoopConnection c : opening) {
            if (now - (c.headDeadline - overdueBeforeDeadlineNanos) < 0) {
                break; // oldest first: the rest are younger
            }
            if (c.head != null && c.cappedAddress != null) {
                overdue.add(c);
            }
        }
        return overdue;
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return the connections whose head was not whole by its deadline
     */
    List<LoopConnection> late(long now) {
        List<LoopConnection> late = new ArrayList<>();
        for (LoopConnection c : opening) {
            if (now - c.headDeadline <= 0) {
                break; // oldest first: the rest are younger
            }
            if (c.head != null) {
                late.add(c);
            }
        }
        return late;
    }
}
