package dev.switchboard.gateway.monitor;

import dev.switchboard.gateway.net.ChangeSignal;
import dev.switchboard.gateway.net.PeriodicWork;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes the monitoring sample every {@code MONITOR_INTERVAL} on the housekeeping clock and, for a store no other
 * replica reads, stops while a sample finds what the one before it found. On a small VM each wake-up of a timer
 * thread costs 0.5–1 ms of CPU whatever it then does (bench/notes.md): an idle gateway, or one holding idle streams,
 * paid ~0.9 ms/s for samples that changed nothing. The first stream admitted or removed, event written or call
 * counted after that wakes it ({@link ChangeSignal}); a page that asks meanwhile gets the missed points filled in
 * ({@link ReplicaFigures#latest}). With a shared store the sample is this replica's presence on the fleet's page,
 * so it never stops.
 */
public final class MonitorSampling {
    private static final String NAME = "monitoring sample";

    private final PeriodicWork clock;
    private final ReplicaFigures figures;
    private final Runnable publish;
    private final boolean mayRest;
    private final List<ChangeSignal> changes;
    private final AtomicBoolean resting = new AtomicBoolean();
    /** The running samples; replaced on the clock's thread only, after the first. */
    private volatile Future<?> runs;

    /**
     * @param clock   the housekeeping clock
     * @param figures what is sampled
     * @param publish takes a sample and writes it where it goes
     * @param mayRest whether the samples may stop while nothing changes (no other replica reads them)
     * @param changes told when what the sample reads changes
     */
    public MonitorSampling(
            PeriodicWork clock, ReplicaFigures figures, Runnable publish, boolean mayRest, List<ChangeSignal> changes) {
        this.clock = clock;
        this.figures = figures;
        this.publish = publish;
        this.mayRest = mayRest;
        this.changes = List.copyOf(changes);
    }

    /** Takes a sample now and then every interval. */
    public void start() {
        runs = clock.nowAndEvery(figures.interval(), NAME, this::sampleOnce);
    }

    private void sampleOnce() {
        publish.run();
        if (mayRest && figures.rest()) {
            runs.cancel(false);
            resting.set(true);
            changes.forEach(signal -> signal.onNextChange(this::wake));
            // a change between the sample and the arming told no one: look once more
            if (figures.changedSinceSample()) {
                wake();
            }
        }
    }

    /** Any thread, an event loop among them: hands the restart to the clock's thread. */
    private void wake() {
        if (resting.compareAndSet(true, false)) {
            clock.execute(this::resume);
        }
    }

    private void resume() {
        figures.resume();
        runs = clock.every(figures.interval(), NAME, this::sampleOnce);
    }
}
