package dev.switchboard.gateway.invoke;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deadline of a function call made on the caller's own thread. When it passes, the thread is
 * interrupted: a virtual thread blocked on a socket then has that socket closed under it, so a function
 * that never answers, or trickles its answer byte by byte, ends the call at the deadline, on the caller's
 * thread, with no second thread waiting on the first. Closing the deadline disarms it and leaves no
 * interrupt behind for the caller's next work.
 *
 * <p>Use it only on virtual threads (every request handler of the gateway runs on one): a platform thread
 * blocked on a socket is not woken by an interrupt, and only the socket's read timeout would end its call.
 */
public final class CallDeadline implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final int ARMED = 0;
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int CLOSED = 3;

    private final Thread caller;
    private final long deadlineNanos;
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private final ScheduledFuture<?> timer;

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "switchboard-call-deadlines");
            t.setDaemon(true);
            return t;
        });
        // most calls end long before their deadline: a disarmed timer leaves the queue at once
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private CallDeadline(Duration timeout) {
        this.caller = Thread.currentThread();
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.timer = TIMER.schedule(this::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * @param timeout bound of the call, from now
     * @return the armed deadline of the current thread's call; close it when the call is over
     */
    public static CallDeadline start(Duration timeout) {
        return new CallDeadline(timeout);
    }

    private void fire() {
        if (state.compareAndSet(ARMED, FIRING)) {
            caller.interrupt();
            state.set(FIRED);
        }
    }

    /** @return whether the deadline has passed (the call's failure is then a time-out, whatever it threw) */
    public boolean passed() {
        int s = state.get();
        return s == FIRING || s == FIRED || System.nanoTime() - deadlineNanos >= 0;
    }

    /** @return what is left of the deadline, never negative */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** Disarms the deadline; when it fired, clears the interrupt it caused (call on the caller's thread). */
    @Override
    public void close() {
        if (state.compareAndSet(ARMED, CLOSED)) {
            timer.cancel(false);
            return;
        }
        while (state.get() == FIRING) {
            Thread.onSpinWait();
        }
        // the interrupt was this deadline's, not a stop of the gateway: the caller goes on to answer
        Thread.interrupted();
    }
}
