package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.state.Leases;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a lease this replica took while it works under it: renewed every third of its time-to-live on a virtual
 * thread, until {@link #close}. A renewal the store refuses (the lease lapsed and another holder took it) stops
 * the renewals; a failed one (the store unreachable) is tried again at the next step, and the lease lapses if the
 * store stays away, as when the holder dies.
 */
final class LeaseRenewal implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LeaseRenewal.class.getName());

    private final Leases leases;
    private final String name;
    private final String holder;
    private final Duration ttl;
    /** Set under this object's lock, which a renewal holds: after {@link #close}, none runs. */
    private boolean stopped;

    private Thread renewer;

    private LeaseRenewal(Leases leases, String name, String holder, Duration ttl) {
        this.leases = leases;
        this.name = name;
        this.holder = holder;
        this.ttl = ttl;
    }

    /**
     * @param leases where the lease lives
     * @param name   a lease {@code holder} holds now
     * @param holder this replica
     * @param ttl    its time-to-live, as taken
     * @return the running renewal; close it before releasing the lease
     */
    static LeaseRenewal start(Leases leases, String name, String holder, Duration ttl) {
        LeaseRenewal renewal = new LeaseRenewal(leases, name, holder, ttl);
        renewal.renewer = Thread.ofVirtual().name("lease-renewal-" + name).start(renewal::run);
        return renewal;
    }

    private void run() {
        long stepMillis = Math.max(1, ttl.toMillis() / 3);
        while (true) {
            try {
                Thread.sleep(stepMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!renew()) {
                return;
            }
        }
    }

    /** @return whether to go on renewing */
    private synchronized boolean renew() {
        if (stopped) {
            return false;
        }
        try {
            if (!leases.acquire(name, holder, ttl)) {
                LOGGER.fine(() -> "lease " + name + " was taken by another holder; no longer renewed");
                return false;
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not renew lease " + name + "; trying again", e);
        }
        return true;
    }

    /** Stops renewing; the lease itself is the caller's to release, and no renewal runs after this returns. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
        }
        renewer.interrupt();
    }
}
