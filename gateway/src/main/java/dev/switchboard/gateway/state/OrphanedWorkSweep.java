package dev.switchboard.gateway.state;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One sweep of the work of replicas that are gone ({@link ReplicaWork#takeOrphaned}), run periodically by its owner:
 * the items taken are finished on a virtual thread of their own (finishing calls functions and the store, and the
 * clock that runs the sweep has other jobs), one sweep's items at a time.
 */
public final class OrphanedWorkSweep implements Runnable {
    private static final Logger LOGGER = Logger.getLogger(OrphanedWorkSweep.class.getName());
    /** How often owners sweep: a few Redis commands, one per replica that recorded work. */
    public static final java.time.Duration EVERY = java.time.Duration.ofSeconds(10);
    /** Items taken at one sweep; the rest wait for the next ones (or for another replica's). */
    private static final int PER_SWEEP = 1000;

    private final ReplicaWork work;
    private final String what;
    private final Consumer<ReplicaWork.Item> finish;
    private final AtomicBoolean finishing = new AtomicBoolean();

    /**
     * @param work   the kind of work swept
     * @param what   what finishing an item did, for the log ("N " + what + ": their replica is gone")
     * @param finish finishes one item (throws nothing: an item it cannot finish is its to log)
     */
    public OrphanedWorkSweep(ReplicaWork work, String what, Consumer<ReplicaWork.Item> finish) {
        this.work = work;
        this.what = what;
        this.finish = finish;
    }

    @Override
    public void run() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        List<ReplicaWork.Item> items;
        try {
            items = work.takeOrphaned(PER_SWEEP);
        } catch (RuntimeException e) {
            // Redis unreachable: reported by the store's health and error count; the next sweep tries again
            finishing.set(false);
            LOGGER.log(Level.FINE, "could not look for the work of replicas gone", e);
            return;
        }
        if (items.isEmpty()) {
            finishing.set(false);
            return;
        }
        Thread.ofVirtual().name("orphaned-work").start(() -> {
            try {
                items.forEach(finish);
                LOGGER.info(() -> items.size() + " " + what + ": their replica is gone");
            } finally {
                finishing.set(false);
            }
        });
    }
}
