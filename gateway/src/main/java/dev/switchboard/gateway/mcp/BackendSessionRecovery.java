package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.Leases;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.registry.FunctionRegistration;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A stateful function that lost a client's session (it restarted, or expired the session) answers 404, or
 * 400 "No valid session ID" as the TypeScript SDK's examples do. The gateway re-initializes the session with
 * the client's recorded {@code initialize} parameters and {@code notifications/initialized}, records the
 * function's new session id, and the caller retries once; the client never notices.
 */
final class BackendSessionRecovery {
    private static final Logger LOGGER = Logger.getLogger(BackendSessionRecovery.class.getName());

    /** The function does not know the session its request carried. */
    static final class Lost extends RuntimeException {
        Lost() {
            super("the function lost the session", null, false, false);
        }
    }

    /** How often a replica waiting for another one's re-initialization of a session reads the session. */
    private static final long WAIT_STEP_MILLIS = 50;

    private final McpBackend backend;
    private final McpSessionStore sessions;
    /** One re-initialization at a time per session in the fleet: two would leave the function two sessions. */
    private final Leases leases;

    private final String replicaId;
    /** One re-initialization at a time per session on this replica (the request path and the stream relay). */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Told of each re-initialized session, outside the lock: the stream relay reopens the function's stream. */
    private volatile java.util.function.Consumer<McpSession> onRecovered = s -> {};

    private final BackendSessionRestore restore;

    BackendSessionRecovery(
            McpBackend backend,
            McpSessionStore sessions,
            Leases leases,
            String replicaId,
            BackendSessionRestore restore) {
        this.backend = backend;
        this.sessions = sessions;
        this.leases = leases;
        this.replicaId = replicaId;
        this.restore = restore;
    }

    /** @param listener told of each session this replica re-initialized, before its request is retried */
    void onRecovered(java.util.function.Consumer<McpSession> listener) {
        this.onRecovered = listener;
    }

    /**
     * @param status  the function's HTTP status
     * @param message the JSON-RPC message it answered with, or null
     * @return whether that answer says the function does not know the session
     */
    static boolean isLost(int status, JsonNode message) {
        if (status == 404) {
            return true;
        }
        return status == 400
                && message != null
                && message.path("error")
                        .path("message")
                        .asText("")
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("session");
    }

    /**
     * Gives the session a live backend session again.
     *
     * @param function the function
     * @param session  the client's session as the failed request saw it
     * @param lostId   the backend session id the function no longer knows
     * @return the session with a working backend session id, or empty when the session ended or the function
     *         refused to initialize
     */
    Optional<McpSession> recover(FunctionRegistration function, McpSession session, String lostId) {
        Optional<McpSession> recovered = reinitialize(function, session, lostId);
        recovered.filter(r -> !lostId.equals(r.backendSessionId())).ifPresent(onRecovered);
        return recovered;
    }

    private Optional<McpSession> reinitialize(FunctionRegistration function, McpSession session, String lostId) {
        synchronized (locks.computeIfAbsent(session.id(), k -> new Object())) {
            try {
                Optional<McpSession> current = sessions.peek(session.id());
                if (current.isEmpty() || current.get().backendSessionId() == null) {
                    return Optional.empty();
                }
                if (!current.get().backendSessionId().equals(lostId)) {
                    return current; // already recovered, here or on another replica
                }
                // the request path of one replica and the stream relay of another find the loss at once
                String lease = "mcp-recovery:" + session.id();
                if (!leases.acquire(lease, replicaId, function.timeout())
                        && !awaitRecoveryElsewhere(session.id(), lostId, function, lease)) {
                    // recovered elsewhere, ended, or not recovered within the bound
                    return sessions.peek(session.id())
                            .filter(c -> c.backendSessionId() != null
                                    && !c.backendSessionId().equals(lostId));
                }
                // held, and renewed while the two calls of a re-initialization run (each may take a timeout)
                LeaseRenewal renewal = LeaseRenewal.start(leases, lease, replicaId, function.timeout());
                try {
                    current = sessions.peek(session.id());
                    if (current.isEmpty()
                            || current.get().backendSessionId() == null
                            || !current.get().backendSessionId().equals(lostId)) {
                        return current.filter(c -> c.backendSessionId() != null);
                    }
                    String fresh = initialize(function, current.get());
                    if (fresh == null) {
                        return Optional.empty();
                    }
                    // compare-and-set: the lease may have lapsed (renewals that could not reach the store, a
                    // replica paused longer than a timeout) and another replica recovered the session meanwhile,
                    // or the client ended it; the first recorded function session is kept
                    Optional<McpSession> stored = sessions.replaceBackendSession(session.id(), lostId, fresh);
                    if (stored.isEmpty() || !fresh.equals(stored.get().backendSessionId())) {
                        backend.endSession(function, fresh); // nobody's: the function would keep it until it expires
                        LOGGER.info(() -> "MCP session " + session.id() + ": function " + function.name()
                                + " was re-initialized elsewhere meanwhile, or the session ended; ended the extra"
                                + " function session");
                        return stored.filter(c -> c.backendSessionId() != null);
                    }
                    LOGGER.info(() -> "MCP session " + session.id() + ": function " + function.name()
                            + " had lost its session; re-initialized");
                    // before the request that found the loss is sent again: it goes to a session set as before
                    restore.restore(function, stored.get());
                    return stored;
                } finally {
                    renewal.close(); // first: no renewal takes it again after the release
                    leases.release(lease, replicaId);
                }
            } finally {
                locks.remove(session.id());
            }
        }
    }

    /**
     * Another replica holds the session's recovery, renewing its lease while it works: waits until the store has
     * the function session it made, or takes the lease over when it lapses (its holder died) or is released
     * without a recovery (its re-initialization failed), to try once itself. The holder's work is two function
     * calls, so the wait is bounded by {@link #waitBound}.
     *
     * @return true when this replica took the lease over and re-initializes itself; false when the session was
     *         recovered or ended, the bound passed, or the wait was interrupted
     */
    private boolean awaitRecoveryElsewhere(
            String sessionId, String lostId, FunctionRegistration function, String lease) {
        long deadline = System.nanoTime() + waitBound(function).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<McpSession> current = sessions.peek(sessionId);
            if (current.isEmpty()
                    || current.get().backendSessionId() == null
                    || !current.get().backendSessionId().equals(lostId)) {
                return false;
            }
            if (leases.acquire(lease, replicaId, function.timeout())) {
                return true;
            }
            try {
                Thread.sleep(WAIT_STEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * @param function the function
     * @return how long a replica waits for another one's re-initialization: its two calls (initialize,
     *         notifications/initialized), each bounded by the function's timeout, and one more second
     */
    static Duration waitBound(FunctionRegistration function) {
        return function.timeout().multipliedBy(2).plusSeconds(1);
    }

    /** @return the function's new session id, or null when it did not initialize */
    private String initialize(FunctionRegistration function, McpSession session) {
        ObjectNode initialize = JsonRpc.request("sb-reinitialize", "initialize");
        ObjectNode params = initialize.putObject("params");
        params.put("protocolVersion", BackendHeaders.functionVersion(session));
        params.set(
                "capabilities",
                session.clientCapabilities() != null
                                && session.clientCapabilities().isObject()
                        ? session.clientCapabilities()
                        : Json.object());
        params.set(
                "clientInfo",
                session.clientInfo() != null && session.clientInfo().isObject()
                        ? session.clientInfo()
                        : Json.object().put("name", "switchboard").put("version", "0"));
        Map<String, String> headers = new java.util.HashMap<>(session.owner().functionHeaders());
        String fresh;
        try (BackendCall call = backend.post(function, initialize, headers, function.timeout())) {
            JsonNode answer = firstMessage(call, function);
            fresh = call.sessionId();
            if (answer == null || !answer.path("result").isObject() || fresh == null) {
                return null;
            }
        }
        ObjectNode initialized = Json.object();
        initialized.put("jsonrpc", "2.0");
        initialized.put("method", "notifications/initialized");
        try (BackendCall call = backend.post(
                function,
                initialized,
                BackendHeaders.forSession(session.withBackendSessionId(fresh)),
                function.timeout())) {
            firstMessage(call, function);
        }
        return fresh;
    }

    private static JsonNode firstMessage(BackendCall call, FunctionRegistration function) {
        BackendCall.Item item = call.next();
        return item instanceof BackendCall.Message m ? m.json() : null;
    }
}
