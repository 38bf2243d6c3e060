package dev.switchboard.gateway.net;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A periodic task that runs only while it has work: each run says whether another is needed, and when none is
 * the ticks stop until {@link #wake} starts them again. On this machine's VM a timer thread's wake-up costs
 * 100–350 µs of CPU, so a thread that wakes to find nothing is not free (bench/notes.md, "an idle gateway
 * sleeps"). The one subtle step is stopping: work that arrives while a run decides to stop finds the ticks still
 * running and does not wake them, so after the ticks are marked stopped the work is looked for once more.
 */
public final class OnDemandTicks {
    private final ScheduledExecutorService scheduler;
    private final long periodNanos;
    private final BooleanSupplier tick;
    private final BooleanSupplier hasWork;
    /** Whether a run is scheduled or running. */
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param scheduler where the runs go (its one thread is the task's)
     * @param period    time from one run's end to the next
     * @param tick      one run; returns whether another is needed (a run that throws is followed by another)
     * @param hasWork   whether there is work now, looked at once more as the ticks stop; must not block
     */
    public OnDemandTicks(
            ScheduledExecutorService scheduler,
            java.time.Duration period,
            BooleanSupplier tick,
            BooleanSupplier hasWork) {
        this.scheduler = scheduler;
        this.periodNanos = period.toNanos();
        this.tick = tick;
        this.hasWork = hasWork;
    }

    /**
     * Starts the ticks unless they are running; the first run comes after the delay.
     *
     * @param delay time to the first run
     */
    public void wake(java.time.Duration delay) {
        if (running.compareAndSet(false, true)) {
            schedule(delay.toNanos());
        }
    }

    /** @return whether a run is scheduled or running */
    public boolean isRunning() {
        return running.get();
    }

    private void run() {
        boolean more = true;
        try {
            more = tick.getAsBoolean();
        } finally {
            if (more) {
                schedule(periodNanos);
            } else {
                running.set(false);
                if (hasWork.getAsBoolean() && running.compareAndSet(false, true)) {
                    schedule(periodNanos);
                }
            }
        }
    }

    private void schedule(long delayNanos) {
        try {
            scheduler.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the scheduler is shut down: so are the ticks
        }
    }
}
