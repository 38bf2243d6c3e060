package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.McpSessionStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a stateful function's session when its gateway session expires, which the store does silently: every
 * replica remembers the stateful sessions it served and, on each sweep, DELETEs the function's session of
 * those whose gateway session is gone. More than one replica may send it; a function answers the second
 * with 404, which is harmless.
 */
final class BackendSessionReaper {
    private static final Logger LOGGER = Logger.getLogger(BackendSessionReaper.class.getName());

    private final McpBackend backend;
    private final McpSessionStore sessions;
    private final FunctionCatalog catalog;
    /** Gateway session id to the session as last seen (its function and backend session id). */
    private final Map<String, McpSession> served = new ConcurrentHashMap<>();

    BackendSessionReaper(McpBackend backend, McpSessionStore sessions, FunctionCatalog catalog) {
        this.backend = backend;
        this.sessions = sessions;
        this.catalog = catalog;
    }

    /** @param session a session this replica served; remembered only when its function is stateful */
    void remember(McpSession session) {
        if (session.backendSessionId() != null) {
            served.put(session.id(), session);
        }
    }

    /** @param sessionId a session whose function session was ended otherwise (an explicit DELETE) */
    void forget(String sessionId) {
        served.remove(sessionId);
    }

    /** DELETEs the function's session of every remembered session that expired. */
    void sweep() {
        for (McpSession known : served.values()) {
            try {
                var current = sessions.peek(known.id());
                if (current.isPresent()) {
                    served.put(known.id(), current.get()); // it may have been re-initialized since
                    continue;
                }
                served.remove(known.id());
                catalog.find(known.function()).ifPresent(fn -> backend.endSession(fn, known.backendSessionId()));
                LOGGER.fine(() -> "MCP session " + known.id() + " expired: ended its function's session");
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not check an MCP session; next sweep", e);
            }
        }
    }
}
