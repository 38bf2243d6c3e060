package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.state.SessionSignal;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.JsonMapper;
import io.helidon.http.Status;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The life of MCP sessions in the fleet, whatever their transport: opening one ({@code initialize}, within
 * the fleet's session budget), finding one for its owner only, renewing those in use here, ending one
 * everywhere, and the signals by which replicas tell each other of cancellations, ended sessions and a
 * stateful function's re-initialized sessions.
 */
final class McpSessions implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(McpSessions.class.getName());

    private final StateStore state;
    private final GatewayMetrics metrics;
    private final SessionBudget budget;
    private final SessionInitializer initializer;
    private final McpPush push;
    private final McpBackend backend;
    private final McpRelay relay;
    private final BackendSessionReaper reaper;
    private final BackendStreamRelay backendStreams;
    private final SessionStreams streams;
    private final SessionsInUse inUse;
    /** Sessions in use here that the last renewal found gone (read and written by the renewal's thread only). */
    private Set<String> goneAtLastRenewal = Set.of();

    private final Clock clock;

    /** The periodic renewal of sessions in use here, on the gateway's clock. */
    private final Future<?> renewals;

    McpSessions(
            StateStore state,
            GatewayMetrics metrics,
            SessionBudget budget,
            SessionInitializer initializer,
            McpPush push,
            McpBackend backend,
            McpRelay relay,
            BackendSessionRecovery recovery,
            BackendSessionReaper reaper,
            BackendStreamRelay backendStreams,
            SessionStreams streams,
            SessionsInUse inUse,
            Clock clock,
            Duration sessionTtl,
            PeriodicWork work) {
        this.state = state;
        this.metrics = metrics;
        this.budget = budget;
        this.initializer = initializer;
        this.push = push;
        this.backend = backend;
        this.relay = relay;
        this.reaper = reaper;
        this.backendStreams = backendStreams;
        this.streams = streams;
        this.inUse = inUse;
        this.clock = clock;
        // the replica relaying the function's stream may be another one: tell the fleet as well
        recovery.onRecovered(session -> {
            backendStreams.reopen(session);
            signal(SessionSignal.recovered(session.id()));
        });
        state.signals().subscribe(this::onSignal);
        // a session whose stream is open here is in use even when no request comes: renew it
        // in whole seconds (rounded down: a third of the TTL at most), so that it runs with the clock's other jobs
        Duration renewEvery = Duration.ofSeconds(Math.max(1, sessionTtl.toSeconds() / 3));
        this.renewals = work.every(renewEvery, "MCP session renewal", this::renewInUse);
    }

    /**
     * The session a request names. Another identity's session is answered as one that does not exist,
     * so a leaked session id is of no use without its owner's credentials.
     *
     * @param id       the session id the request carried
     * @param caller   the request's identity
     * @param function the MCP server the request was sent to
     * @return the session
     * @throws McpException 404 when there is no such session for this caller and server
     */
    McpSession find(String id, Identity caller, FunctionRegistration function) {
        McpSession session = state.mcpSessions()
                .find(id)
                .orElseThrow(() -> new McpException(
                        Status.NOT_FOUND_404,
                        JsonRpc.GATEWAY_ERROR,
                        "session not found (ended or expired); initialize again"));
        if (!session.owner().sameAs(caller)) {
            metrics.authRefused("SESSION_OF_ANOTHER_IDENTITY");
            throw new McpException(
                    Status.NOT_FOUND_404,
                    JsonRpc.GATEWAY_ERROR,
                    "session not found (ended or expired); initialize again");
        }
        if (!session.function().equals(function.name())) {
            throw new McpException(Status.NOT_FOUND_404, JsonRpc.GATEWAY_ERROR, "session not found for this server");
        }
        return session;
    }

    /**
     * {@link #find}, for a request of the transport that opened the session: an HTTP+SSE session's messages are
     * answered on its one stream, which a Streamable HTTP request would never see answered, and a Streamable HTTP
     * session has no such stream.
     *
     * @param legacy whether the request came by the HTTP+SSE transport
     * @throws McpException 404 when there is no such session for this caller, server and transport (a session whose
     *     id names no transport, opened by an older replica, is served by either, as it was there)
     */
    McpSession find(String id, Identity caller, FunctionRegistration function, boolean legacy) {
        if (McpIds.namesTransport(id) && McpIds.isLegacy(id) != legacy) {
            throw new McpException(
                    Status.NOT_FOUND_404,
                    JsonRpc.GATEWAY_ERROR,
                    legacy
                            ? "session not found: a Streamable HTTP session's requests go to /mcp/" + function.name()
                            : "session not found: an HTTP+SSE session's messages go to /mcp/" + function.name()
                                    + "/messages");
        }
        return find(id, caller, function);
    }

    /**
     * @param session a session as a request found it
     * @return the session as it is stored now (its own {@code initialize} may have completed it since), or
     *         the one given when it is gone
     */
    McpSession current(McpSession session) {
        // read, not found: the record as Redis has it now, not this replica's copy of a moment ago
        return state.mcpSessions().peek(session.id()).orElse(session);
    }

    /**
     * A Streamable HTTP {@code initialize}: the function's answer, and the session saved when it opened one.
     *
     * @throws McpException 503 when the fleet holds its maximum of sessions
     */
    SessionInitializer.Initialized open(FunctionRegistration function, JsonNode message, Identity identity) {
        openOrRefuse();
        SessionInitializer.Initialized initialized =
                initializer.initialize(function, message, McpIds.streamableSessionId(), identity);
        if (initialized.session() != null) {
            saveNew(initialized.session());
            reaper.remember(initialized.session());
        }
        return initialized;
    }

    /**
     * An HTTP+SSE session, opened with its stream before the client's {@code initialize}; {@link #saveNew}
     * it once its stream is held.
     *
     * @throws McpException 503 when the fleet holds its maximum of sessions
     */
    McpSession openLegacy(FunctionRegistration function, Identity identity) {
        openOrRefuse();
        return new McpSession(
                McpIds.legacySessionId(),
                function.name(),
                McpVersions.LEGACY_SSE,
                null,
                null,
                null,
                null,
                null,
                clock.instant(),
                identity);
    }

    /** Records a new session, counts it, and makes it a target of pushed notifications. */
    void saveNew(McpSession session) {
        state.mcpSessions().saveNew(session, push.server(session.function()));
        metrics.mcpSession(true);
    }

    /**
     * An HTTP+SSE session's {@code initialize} (sent after its stream opened, on any replica).
     *
     * @return the answer for the client
     */
    JsonNode initializeLegacy(FunctionRegistration function, McpSession session, JsonNode message) {
        SessionInitializer.Initialized initialized =
                initializer.initialize(function, message, session.id(), session.owner());
        if (initialized.session() != null) {
            state.mcpSessions().save(initialized.session());
            reaper.remember(initialized.session());
            // the replica holding the client's stream may be another one
            signal(SessionSignal.initialized(session.id()));
        }
        return initialized.response();
    }

    private void openOrRefuse() {
        if (!budget.tryOpen()) {
            throw new McpException(
                    Status.SERVICE_UNAVAILABLE_503,
                    JsonRpc.GATEWAY_ERROR,
                    "the gateway holds its " + "maximum of " + budget.max()
                            + " MCP sessions (MAX_MCP_SESSIONS); retry later");
        }
    }

    /**
     * Ends a session in the whole fleet: its record, its streams and calls on every replica, and the stateful
     * function's own session.
     *
     * @param backendSessionId the function's session to DELETE, or null
     */
    void end(FunctionRegistration function, String sessionId, String backendSessionId) {
        state.mcpSessions().delete(sessionId);
        metrics.mcpSession(false);
        reaper.forget(sessionId);
        // its streams and calls may be on any replica: end them here at once, and everywhere by signal
        endHere(sessionId);
        signal(SessionSignal.ended(sessionId));
        if (backendSessionId != null) {
            backend.endSession(function, backendSessionId);
        }
    }

    /**
     * Records a new HTTP+SSE session ({@link #saveNew}) and that this replica holds its stream, so that the fleet
     * ends the session should this replica die ({@link OrphanedLegacySessions}).
     */
    void saveNewLegacy(McpSession session) {
        saveNew(session);
        state.replicaWork(ReplicaWork.LEGACY_SESSIONS).started(session.id(), push.server(session.function()));
    }

    /**
     * Ends an HTTP+SSE session whose stream closed here (best effort: when the store fails, the session expires with
     * its idle TTL, or the fleet ends it should this replica die first).
     */
    void endLegacy(FunctionRegistration function, String sessionId) {
        if (endLegacySession(function, sessionId)) {
            try {
                state.replicaWork(ReplicaWork.LEGACY_SESSIONS).finished(sessionId);
            } catch (RuntimeException e) {
                LOGGER.log(
                        Level.FINE, "could not forget an HTTP+SSE stream's record; it goes should this replica die", e);
            }
        }
    }

    /**
     * Ends an HTTP+SSE session whose stream's replica is gone, as its stream's close would have.
     *
     * @param function its MCP server, or null when no longer registered (its function's session is then left to
     *     expire on its own)
     */
    void endOrphanedLegacy(FunctionRegistration function, String sessionId) {
        endLegacySession(function, sessionId);
    }

    /**
     * @param server  an orphaned HTTP+SSE session's server, as recorded (qualified by namespace)
     * @param session the session
     * @return whether its server is of this gateway's namespace (else its function is not this gateway's to call)
     */
    boolean ofThisNamespace(String server, McpSession session) {
        return push.server(session.function()).equals(server);
    }

    /** @return whether it ended (the store answered) */
    private boolean endLegacySession(FunctionRegistration function, String sessionId) {
        relay.cancelAll(sessionId);
        try {
            // read, not found: ending a session must not renew it (nor make this replica one of its signals' receivers)
            Optional<McpSession> ended = state.mcpSessions().peek(sessionId);
            state.mcpSessions().delete(sessionId);
            metrics.mcpSession(false);
            reaper.forget(sessionId);
            // its requests may have been posted to, and be running on, other replicas
            signal(SessionSignal.ended(sessionId));
            if (function != null) {
                ended.map(McpSession::backendSessionId).ifPresent(id -> backend.endSession(function, id));
            }
            return true;
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not end HTTP+SSE session; it expires with its idle TTL", e);
            return false;
        }
    }

    /** Cancels a call here when it runs here, else asks the fleet: the request may have been posted elsewhere. */
    void cancel(String sessionId, JsonNode requestId) {
        if (requestId != null && !relay.cancel(sessionId, requestId)) {
            signal(SessionSignal.cancel(sessionId, Json.write(requestId)));
        }
    }

    /**
     * Tells the replicas that keep a recent copy of a session's record that it changed (they read it again at its
     * next use).
     *
     * @param sessionId the session whose record was saved
     */
    void changed(String sessionId) {
        signal(SessionSignal.changed(sessionId));
    }

    /**
     * Tells the replicas that read the session that a standalone stream of it opened here: one holding an older
     * stream of it ends that one, as this replica did ({@link SessionStreams#replaceOthers}).
     *
     * @param sessionId the session
     * @param stream    its new standalone stream
     */
    void standaloneOpened(String sessionId, dev.switchboard.gateway.sse.SseStream stream) {
        signal(SessionSignal.streamOpened(
                sessionId, stream.connectionId(), stream.createdAt().toEpochMilli()));
    }

    /**
     * Tells the replicas that read the session that a POST stream of it was resumed here: one writing the stream's
     * call, or following an older resume of it, stops, as this replica did ({@link SessionStreams#resumedHere}).
     *
     * @param sessionId the session
     * @param streamId  the POST stream
     * @param resume    the resume's stream
     */
    void postStreamResumed(String sessionId, String streamId, dev.switchboard.gateway.sse.SseStream resume) {
        signal(SessionSignal.postStreamResumed(
                sessionId, streamId, resume.connectionId(), resume.createdAt().toEpochMilli()));
    }

    private void signal(SessionSignal signal) {
        try {
            state.signals().send(signal);
        } catch (RuntimeException e) {
            // the calls it concerns end at their deadline instead
            metrics.redisError();
            LOGGER.log(Level.FINE, "could not signal the fleet", e);
        }
    }

    private void onSignal(SessionSignal signal) {
        metrics.sessionSignal();
        switch (signal.kind()) {
            case CANCEL -> {
                try {
                    relay.cancel(signal.sessionId(), JsonMapper.MAPPER.readTree(signal.detail()));
                } catch (IOException e) {
                    LOGGER.fine("ignored a cancellation with an unreadable request id");
                }
            }
            case ENDED -> endHere(signal.sessionId());
            case INITIALIZED -> backendStreams.initialized(signal.sessionId());
            case RECOVERED -> backendStreams.recoveredElsewhere(signal.sessionId());
            // the store forgot its copy of the record as the signal arrived: nothing else holds one
            case CHANGED -> {}
            case STREAM_OPENED -> {
                try {
                    streams.replaceOlder(signal.sessionId(), signal.connectionId(), signal.openedAtMillis());
                } catch (IllegalArgumentException e) {
                    LOGGER.fine("ignored an unreadable stream opening");
                }
            }
            case POST_STREAM_RESUMED -> {
                try {
                    streams.resumedElsewhere(
                            signal.sessionId(),
                            signal.resumedStreamId(),
                            signal.connectionId(),
                            signal.openedAtMillis());
                } catch (IllegalArgumentException e) {
                    LOGGER.fine("ignored an unreadable stream resume");
                }
            }
        }
    }

    /** Ends what this replica runs and holds for a session that ended. */
    private void endHere(String sessionId) {
        relay.cancelAll(sessionId);
        streams.closeAll(sessionId);
    }

    private void renewInUse() {
        reaper.sweep();
        Set<String> gone = new HashSet<>();
        for (String id : inUse.snapshot()) {
            try {
                if (state.mcpSessions().find(id).isEmpty()) {
                    // gone without its end reaching this replica (the signal was sent while the pub/sub connection
                    // was away, or Redis lost the session): what is held here ends, rather than stay open for a
                    // session that no longer exists; gone twice in a row, as an HTTP+SSE session is held a moment
                    // before its record is stored
                    if (goneAtLastRenewal.contains(id)) {
                        endHere(id);
                    } else {
                        gone.add(id);
                    }
                }
            } catch (RuntimeException e) {
                metrics.redisError();
            }
        }
        goneAtLastRenewal = gone;
    }

    @Override
    public void close() {
        renewals.cancel(false);
    }
}
