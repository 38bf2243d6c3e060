package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.registry.FunctionRegistration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the HTTP+SSE sessions whose stream's replica is gone ({@link ReplicaWork#LEGACY_SESSIONS}): such a session cannot
 * go on without its stream, and its client has opened a new one. Every replica sweeps every
 * {@link #SWEEP_EVERY}; each orphan is taken by one. Ending it is what its stream's close would have done: its
 * record goes, the calls still running for it anywhere are cancelled (by the session's signal), and a stateful
 * function's own session is ended.
 */
final class OrphanedLegacySessions implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(OrphanedLegacySessions.class.getName());
    /** How often the fleet's holders are looked at: a few Redis commands, one per replica that holds a session. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    /** Orphans taken at one sweep; the rest wait for the next ones (or for another replica's). */
    private static final int PER_SWEEP = 1000;

    private final ReplicaWork holders;
    private final McpSessionStore store;
    private final FunctionCatalog catalog;
    private final McpSessions sessions;
    /** Whether the orphans of a sweep are still being ended: ending calls functions, so not on the clock. */
    private final AtomicBoolean ending = new AtomicBoolean();

    private final Future<?> sweeps;

    OrphanedLegacySessions(
            ReplicaWork holders,
            McpSessionStore store,
            FunctionCatalog catalog,
            McpSessions sessions,
            PeriodicWork work) {
        this.holders = holders;
        this.store = store;
        this.catalog = catalog;
        this.sessions = sessions;
        this.sweeps = work.every(SWEEP_EVERY, "end HTTP+SSE sessions of replicas gone", this::sweep);
    }

    private void sweep() {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        List<ReplicaWork.Item> orphans;
        try {
            orphans = holders.takeOrphaned(PER_SWEEP);
        } catch (RuntimeException e) {
            // Redis unreachable: reported by the store's health and error count; the next sweep tries again
            ending.set(false);
            LOGGER.log(Level.FINE, "could not look for HTTP+SSE sessions of replicas gone", e);
            return;
        }
        if (orphans.isEmpty()) {
            ending.set(false);
            return;
        }
        Thread.ofVirtual().name("orphaned-mcp-sessions").start(() -> {
            try {
                orphans.forEach(this::end);
                LOGGER.info(() -> "ended " + orphans.size()
                        + " HTTP+SSE session(s) whose stream was held by a replica that is gone");
            } finally {
                ending.set(false);
            }
        });
    }

    private void end(ReplicaWork.Item orphan) {
        try {
            store.peek(orphan.id()).ifPresent(session -> {
                // a gateway of another namespace sharing the Redis ends the session, not its function's
                FunctionRegistration function = sessions.ofThisNamespace(orphan.value(), session)
                        ? catalog.find(session.function()).orElse(null)
                        : null;
                sessions.endOrphanedLegacy(function, orphan.id());
            });
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not end an orphaned HTTP+SSE session; it expires with its idle TTL", e);
        }
    }

    @Override
    public void close() {
        sweeps.cancel(false);
    }
}
