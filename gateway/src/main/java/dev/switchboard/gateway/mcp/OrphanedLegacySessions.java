package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.OrphanedWorkSweep;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.registry.FunctionRegistration;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the HTTP+SSE sessions whose stream's replica is gone ({@link ReplicaWork#LEGACY_SESSIONS}): such a session cannot
 * go on without its stream, and its client has opened a new one. Every replica sweeps every 10 s
 * ({@link OrphanedWorkSweep}); each orphan is taken by one. Ending it is what its stream's close would have done: its
 * record goes, the calls still running for it anywhere are cancelled (by the session's signal), and a stateful
 * function's own session is ended.
 */
final class OrphanedLegacySessions implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(OrphanedLegacySessions.class.getName());

    private final McpSessionStore store;
    private final FunctionCatalog catalog;
    private final McpSessions sessions;

    private final Future<?> sweeps;

    OrphanedLegacySessions(
            ReplicaWork holders,
            McpSessionStore store,
            FunctionCatalog catalog,
            McpSessions sessions,
            PeriodicWork work) {
        this.store = store;
        this.catalog = catalog;
        this.sessions = sessions;
        this.sweeps = work.every(
                OrphanedWorkSweep.EVERY,
                "end HTTP+SSE sessions of replicas gone",
                new OrphanedWorkSweep(holders, "HTTP+SSE session(s) ended", this::end));
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
