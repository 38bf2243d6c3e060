package dev.switchboard.gateway.net;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's periodic background work (monitoring samples, directory and session renewals, registry reloads) on
 * one platform thread and one clock. Every job runs at whole multiples of its period counted from the same origin,
 * at a fixed rate, so jobs whose periods divide one another fall due at the same instant and run in one wake-up.
 * On a small VM a timer thread's wake-up costs 0.2–1 ms of CPU whatever it then does (bench/notes.md, "one
 * clock"): these jobs were four threads, each on a phase of its own, and woke an idle gateway 0.73 times a second;
 * on one clock they wake it 0.5 times, when the monitoring sample is due.
 *
 * <p>The thread is shared, so a job must not block for long: they do a few Redis round trips at most.
 */
public final class PeriodicWork implements Executor, AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(PeriodicWork.class.getName());

    private final ScheduledThreadPoolExecutor thread;
    private final long originNanos;

    /** @param threadName the name of its one thread */
    public PeriodicWork(String threadName) {
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // a cancelled job leaves the queue at once instead of at its next due time
        thread.setRemoveOnCancelPolicy(true);
        this.originNanos = System.nanoTime();
    }

    /**
     * Runs a job at each multiple of its period from the clock's origin, starting with the next one. A period that
     * is a multiple of another job's (10 s beside 2 s) makes the two run together at each of its runs.
     *
     * @param period how often; positive
     * @param name   what the job is, for the log when it fails
     * @param job    what to run; one that throws is logged and runs again at its next time
     * @return its handle, to cancel it
     */
    public Future<?> every(Duration period, String name, Runnable job) {
        long periodNanos = period.toNanos();
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        long sinceOrigin = System.nanoTime() - originNanos;
        long untilNext = periodNanos - Math.floorMod(sinceOrigin, periodNanos);
        return thread.scheduleAtFixedRate(
                skippingCatchUp(periodNanos, guarded(name, job)), untilNext, periodNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * At a fixed rate, runs missed while the thread was held up (a job waiting out a Redis timeout) all come due at
     * once, and would run back to back: a burst of the same writes. One run after a stall is enough; the schedule, and
     * so the shared phase, stays as it was.
     */
    private static Runnable skippingCatchUp(long periodNanos, Runnable job) {
        long[] lastStart = {System.nanoTime() - periodNanos};
        return () -> {
            long now = System.nanoTime();
            if (now - lastStart[0] < periodNanos / 2) {
                return;
            }
            lastStart[0] = now;
            job.run();
        };
    }

    /**
     * Runs a job once now and then as {@link #every} does.
     *
     * @param period how often; positive
     * @param name   what the job is, for the log when it fails
     * @param job    what to run
     * @return the periodic runs' handle, to cancel them
     */
    public Future<?> nowAndEvery(Duration period, String name, Runnable job) {
        execute(guarded(name, job));
        return every(period, name, job);
    }

    /** @param job one-off work, run on the clock's thread in order with the periodic jobs; dropped once closed */
    @Override
    public void execute(Runnable job) {
        try {
            thread.execute(job);
        } catch (RejectedExecutionException closed) {
            // the gateway is stopping: what is left of its background work is dropped, as close() says
        }
    }

    /** A periodic job that throws would never run again (scheduleAtFixedRate's contract): log it instead. */
    private static Runnable guarded(String name, Runnable job) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, name + " failed; it runs again at its next time", e);
            }
        };
    }

    /** Stops the thread; jobs not yet run are dropped. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
