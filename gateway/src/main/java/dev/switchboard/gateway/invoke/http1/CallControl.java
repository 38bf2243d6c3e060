package dev.switchboard.gateway.invoke.http1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * What bounds one call besides its per-read timeout: a deadline, folded into the mark each read of the call must
 * end by ({@link dev.switchboard.gateway.net.ReadWatch} ends a read past it, with no timer per read and no second thread per call); an action run
 * each time the call has waited an interval in silence (the MCP relay keeps its client's stream alive from there),
 * and optionally another run once, the first time it has;
 * and {@link #abort()}, which any thread may call to close the call's connection (a cancelled call).
 *
 * <p>Closing the connection ends a read blocked on it without interrupting the caller's thread, whose other
 * sockets (the client's) are left alone. The idle action runs on a virtual thread of its own, started by the watch,
 * one at a time; what it touches must be safe to use beside the caller. When it fails, the call's read ends in
 * {@link IdleActionFailed}.
 */
public final class CallControl {
    private static final java.util.logging.Logger LOGGER =
            java.util.logging.Logger.getLogger(CallControl.class.getName());

    /** What runs, on a thread of its own, when the call has been silent for an interval. */
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
    private final long firstIdleNanos;
    private final IdleAction firstIdleAction;
    /** Whether the first idle action has been started (it runs once, before the periodic one). */
    private volatile boolean firstIdleDone;

    private volatile boolean aborted;
    /** Whether the abort was the gateway's stop, not the caller's cancellation. */
    private volatile boolean stopped;
    /** Why the idle action failed (the call then ends), or null. */
    private volatile IOException idleFailure;
    /** Whether an idle action is running: the next waits for it. */
    private final java.util.concurrent.atomic.AtomicBoolean idleRunning =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** The connection the call is on now; guarded by this. */
    private Http1Connection connection;

    private CallControl(
            long deadlineNanos,
            long idleNanos,
            IdleAction idleAction,
            long firstIdleNanos,
            IdleAction firstIdleAction) {
        this.deadlineNanos = deadlineNanos;
        this.idleNanos = idleNanos;
        this.idleAction = idleAction;
        this.firstIdleNanos = firstIdleNanos;
        this.firstIdleAction = firstIdleAction;
    }

    /**
     * @param timeout bound of the whole call, from now
     * @return a control with that deadline
     */
    public static CallControl within(Duration timeout) {
        return new CallControl(System.nanoTime() + timeout.toNanos(), 0, null, 0, null);
    }

    /**
     * @param every  the interval of silence after which {@code action} runs (and the call waits on)
     * @param action what runs, on a virtual thread of its own, while the caller's read goes on
     * @return this control with an idle action
     */
    public CallControl onIdle(Duration every, IdleAction action) {
        return new CallControl(deadlineNanos, interval(every), action, firstIdleNanos, firstIdleAction);
    }

    /**
     * An action that runs once, the first time the call has been silent for {@code after} (at the read watch's
     * next tick, {@link dev.switchboard.gateway.net.ReadWatch#TICK_NANOS}, at the earliest), before any
     * {@link #onIdle} action: what a call that answers at once never needs (the MCP relay's held-back stream
     * opening, which then goes out with the answer in one write).
     *
     * @param after  the silence after which {@code action} runs
     * @param action what runs, on a virtual thread of its own, while the caller's read goes on
     * @return this control with a first idle action
     */
    public CallControl onFirstIdle(Duration after, IdleAction action) {
        return new CallControl(deadlineNanos, idleNanos, idleAction, interval(after), action);
    }

    /** An idle interval in nanoseconds, at least a millisecond. */
    private static long interval(Duration silence) {
        return Math.max(1_000_000L, silence.toNanos());
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
        aborted = true;
        closeConnection();
    }

    /** Aborts the call because the gateway stops ({@code SHUTDOWN_GRACE} ran out): {@link #stopped()} tells it apart. */
    public void stop() {
        stopped = true;
        abort();
    }

    /** @return whether the call was aborted because the gateway stops */
    public boolean stopped() {
        return stopped;
    }

    private void closeConnection() {
        Http1Connection current;
        synchronized (this) {
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
     * @param now {@link System#nanoTime()}
     * @return when a read silent since now runs the idle action; {@link Long#MAX_VALUE} without one
     */
    long idleMark(long now) {
        if (firstIdleAction != null && !firstIdleDone) {
            return now + firstIdleNanos;
        }
        return idleAction == null ? Long.MAX_VALUE : now + idleNanos;
    }

    /**
     * From {@link dev.switchboard.gateway.net.ReadWatch}: the call's read has been silent for an interval; the action starts on a virtual thread
     * unless the last one still runs. A failure closes the call's connection, which ends the read.
     */
    void runIdleAction() {
        IdleAction action = firstIdleAction != null && !firstIdleDone ? firstIdleAction : idleAction;
        if (action == null || idleFailure != null || !idleRunning.compareAndSet(false, true)) {
            return;
        }
        if (action == firstIdleAction) {
            firstIdleDone = true;
        }
        Thread.ofVirtual().name("switchboard-call-idle").start(() -> {
            try {
                action.run();
            } catch (IOException e) {
                idleFailure = e;
                closeConnection();
            } catch (RuntimeException e) {
                LOGGER.log(java.util.logging.Level.WARNING, "a call's idle action failed", e);
            } finally {
                idleRunning.set(false);
            }
        });
    }

    /** @throws IdleActionFailed when the idle action failed (the read that ended did so because of it) */
    void checkIdleAction() {
        IOException failure = idleFailure;
        if (failure != null) {
            throw new IdleActionFailed(failure);
        }
    }
}
