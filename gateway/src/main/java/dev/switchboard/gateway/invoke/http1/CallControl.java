package dev.switchboard.gateway.invoke.http1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * What bounds one call besides its per-read timeout, all on the caller's own thread: a deadline, checked
 * before every read of the socket and folded into that read's timeout (a function that trickles its answer
 * byte by byte still ends at the deadline, with no timer task and no second thread); an action run each time
 * the call has waited an interval in silence (the MCP relay keeps its client's stream alive from there); and
 * {@link #abort()}, which any thread may call to close the call's connection (a cancelled call).
 *
 * <p>Closing the connection ends a read blocked on it without interrupting the caller's thread, whose other
 * sockets (the client's) are left alone.
 */
public final class CallControl {
    /** What runs on the caller's thread when the call has been silent for an interval. */
    @FunctionalInterface
    public interface IdleAction {
        /** @throws IOException when the waiting caller cannot go on (its client is gone) */
        void run() throws IOException;
    }

    /** The idle action failed: the caller's side, not the function, ended the call. */
    public static final class IdleActionFailed extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        IdleActionFailed(IOException cause) {
            super(cause);
        }
    }

    private final long deadlineNanos;
    private final long idleNanos;
    private final IdleAction idleAction;
    private volatile boolean aborted;
    /** The connection the call is on now; guarded by this. */
    private Http1Connection connection;

    private CallControl(long deadlineNanos, long idleNanos, IdleAction idleAction) {
        this.deadlineNanos = deadlineNanos;
        this.idleNanos = idleNanos;
        this.idleAction = idleAction;
    }

    /**
     * @param timeout bound of the whole call, from now
     * @return a control with that deadline
     */
    public static CallControl within(Duration timeout) {
        return new CallControl(System.nanoTime() + timeout.toNanos(), 0, null);
    }

    /**
     * @param every  the interval of silence after which {@code action} runs (and the call waits on)
     * @param action what runs, on the caller's thread
     * @return this control with an idle action
     */
    public CallControl onIdle(Duration every, IdleAction action) {
        return new CallControl(deadlineNanos, Math.max(1_000_000L, every.toNanos()), action);
    }

    /** @return whether the deadline has passed (a failure of the call is then a time-out) */
    public boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /** @return what is left of the deadline, never negative */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** @return whether {@link #abort()} was called */
    public boolean aborted() {
        return aborted;
    }

    /** Ends the call from any thread: its connection is closed now, and none is taken any more. */
    public void abort() {
        Http1Connection current;
        synchronized (this) {
            aborted = true;
            current = connection;
        }
        if (current != null) {
            current.close();
        }
    }

    /** The call now runs on this connection (closed at once when the call was aborted). */
    void attach(Http1Connection on) throws IOException {
        synchronized (this) {
            if (!aborted) {
                connection = on;
                return;
            }
        }
        on.close();
        throw new IOException("the call was cancelled");
    }

    /** The call is off this connection (it went back to the pool, or was closed). */
    synchronized void detach(Http1Connection off) {
        if (connection == off) {
            connection = null;
        }
    }

    /**
     * @param readTimeoutNanos bound of one read of the request
     * @param waitedNanos      how long the current read has waited in silence so far
     * @return the socket timeout of the next wait, in milliseconds (at least 1)
     * @throws SocketTimeoutException when the deadline has passed
     */
    int nextWaitMillis(long readTimeoutNanos, long waitedNanos) throws SocketTimeoutException {
        long now = System.nanoTime();
        long wait = readMark(readTimeoutNanos - waitedNanos, now) - now;
        if (idleNanos > 0) {
            wait = Math.min(wait, idleNanos);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000));
    }

    /** @return whether silent waits run an action (then reads are timed, to run it on the caller's thread) */
    boolean hasIdleAction() {
        return idleAction != null;
    }

    /**
     * @param readTimeoutNanos bound of one read of the request
     * @param now              {@link System#nanoTime()}
     * @return when a read starting now must end: its timeout or the deadline, whichever comes first
     * @throws SocketTimeoutException when the deadline has passed
     */
    long readMark(long readTimeoutNanos, long now) throws SocketTimeoutException {
        if (deadlineNanos - now <= 0) {
            throw new SocketTimeoutException("the call's deadline passed");
        }
        return deadlineNanos - now < readTimeoutNanos ? deadlineNanos : now + readTimeoutNanos;
    }

    /**
     * A wait ended in silence: runs the idle action when an interval has passed.
     *
     * @return false when the read's own timeout or the deadline is reached (the read times out)
     */
    boolean idle(long readTimeoutNanos, long waitedNanos) {
        if (idleAction == null || passed() || waitedNanos >= readTimeoutNanos) {
            return false;
        }
        try {
            idleAction.run();
        } catch (IOException e) {
            throw new IdleActionFailed(e);
        }
        return true;
    }
}
