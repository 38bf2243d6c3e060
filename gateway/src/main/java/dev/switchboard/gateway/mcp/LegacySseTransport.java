package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP+SSE transport (2024-11-05): {@code GET /mcp/{name}/sse} opens a session whose messages all travel
 * on that one stream, and {@code POST /mcp/{name}/messages?sessionId=...} carries the client's messages,
 * accepted at once (202) and answered on the stream ({@link LogSink}), which may be held by another replica.
 * Both listeners serve it through {@link McpEndpoint}: the public listener pumps the stream on the request's
 * thread ({@link #stream}), the event loops' loop holds what {@link #open} returns.
 */
final class LegacySseTransport implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LegacySseTransport.class.getName());

    private final McpRequestReader reader;
    private final OriginGuard origins;
    private final McpSessions sessions;
    private final McpRequestHandler handler;
    private final SessionStreams streams;
    private final BackendStreamRelay backendStreams;
    private final ClientEventLog events;
    /** The requests answered 202 here and not yet answered, recorded for the fleet should this replica die. */
    private final ReplicaWork calls;
    /** How long an answer the store could not take is retried ({@code ASYNC_DELIVERY_TIMEOUT}). */
    private final Duration unloggedRetry;
    /** HTTP+SSE requests run after their POST is answered (202). */
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    LegacySseTransport(
            McpRequestReader reader,
            OriginGuard origins,
            McpSessions sessions,
            McpRequestHandler handler,
            SessionStreams streams,
            BackendStreamRelay backendStreams,
            ClientEventLog events,
            ReplicaWork calls,
            Duration unloggedRetry) {
        this.reader = reader;
        this.origins = origins;
        this.sessions = sessions;
        this.handler = handler;
        this.streams = streams;
        this.backendStreams = backendStreams;
        this.events = events;
        this.calls = calls;
        this.unloggedRetry = unloggedRetry;
    }

    /**
     * Opens an HTTP+SSE session and holds its stream, for the event loop that writes it: the checks, the stream's admission and the backend stream watch.
     * The session ends with the stream ({@link Held#finish}).
     *
     * @param name     the MCP server's name
     * @param headers  the GET's headers
     * @param identity who asks (already authenticated)
     * @return the held stream and its first event
     * @throws McpException 404 (no such server), 403 (origin), 429 (streams per identity), 503 (connections)
     */
    Held open(String name, io.helidon.http.Headers headers, Identity identity) {
        origins.check(headers);
        FunctionRegistration function = reader.function(name);
        McpSession session = sessions.openLegacy(function, identity);
        String logKey = McpIds.logKey(session.id(), McpIds.LEGACY_STREAM);
        SseStream stream = streams.hold(
                session.id(),
                session.owner(),
                "http+sse",
                logKey,
                HeldMcpStreams.logFull("this session already holds its stream"));
        Held held = new Held(stream, function, session);
        backendStreams.watch(session, logKey);
        try {
            sessions.saveNewLegacy(session);
            return held;
        } catch (RuntimeException e) {
            held.finish(CloseReason.CLIENT_GONE);
            throw e;
        }
    }

    /** An HTTP+SSE session's stream, held here: its first event, and how it ends. */
    final class Held {
        private final SseStream stream;
        private final FunctionRegistration function;
        private final McpSession session;

        private Held(SseStream stream, FunctionRegistration function, McpSession session) {
            this.stream = stream;
            this.function = function;
            this.session = session;
        }

        SseStream stream() {
            return stream;
        }

        /**
         * @return the {@code endpoint} event: where the client posts, a path without scheme or host, so that it
         *         resolves against the URL the client opened the stream on, whichever listener that was
         */
        byte[] endpointEvent() {
            return SseEncoder.event(
                    null, "endpoint", "/mcp/" + function.name() + "/messages?sessionId=" + session.id());
        }

        /** Ends the stream and its session (calls the store: not on a loop). */
        void finish(CloseReason reason) {
            try {
                backendStreams.unwatch(session.id());
                streams.release(stream, session.id(), session.owner(), reason);
            } finally {
                sessions.endLegacy(function, session.id());
            }
        }
    }

    /**
     * {@code POST /mcp/{name}/messages?sessionId=...}: a request is accepted at once (202) and answered on the
     * session's SSE stream, which may be held by another replica (or another listener). A notification or an
     * answer is forwarded to the function before the 202, as the Streamable HTTP transport does: a client posts
     * its next message only after this one's 202, so the function sees them in the order the client sent them
     * ({@code notifications/initialized} before the {@code tools/list} that follows it).
     */
    void message(McpExchange exchange) {
        origins.check(exchange.headers());
        FunctionRegistration function = reader.function(exchange.server());
        String sessionId = exchange.query("sessionId")
                .filter(id -> !id.isEmpty())
                .orElseThrow(() -> new McpException(
                        Status.BAD_REQUEST_400, JsonRpc.GATEWAY_ERROR, "sessionId query parameter is required"));
        McpSession session = sessions.find(sessionId, exchange.identity(), function, true);
        ClientMessage read = reader.message(exchange);
        JsonNode message = read.json();
        McpSpans.describe(message, session.id());
        if (message.isArray()) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "batches are not part of the HTTP+SSE transport here");
        }
        if (JsonRpc.isRequest(message)) {
            // answered in the background: the request's trace goes along to the function call
            Executor background = io.opentelemetry.context.Context.current().wrap(this.background);
            String logKey = McpIds.logKey(session.id(), McpIds.LEGACY_STREAM);
            // recorded before the 202: should this replica die before the answer, the fleet answers it
            // (LostLegacyCalls) under the token of this replica's answer, so that the client gets one of the two
            String answerToken = LostLegacyCalls.answerToken();
            String call = recorded(
                    LostLegacyCalls.callId(session.id(), message.get("id")),
                    new LostLegacyCalls.Recorded(logKey, answerToken).encode());
            LogSink sink = new LogSink(events, logKey, call == null ? null : answerToken, unloggedRetry);
            try {
                background.execute(() -> {
                    try {
                        request(function, session, read, sink);
                    } finally {
                        answered(call);
                    }
                });
            } catch (RuntimeException e) {
                answered(call);
                throw e;
            }
        } else {
            handler.notificationOrAnswer(function, session, message, Runnable::run);
        }
        exchange.sendEmpty(Status.ACCEPTED_202);
    }

    static final String NOT_INITIALIZED = "this HTTP+SSE session is not initialized: send initialize first (a "
            + "stream that reconnected opened a new session, with a new endpoint)";

    private void request(FunctionRegistration function, McpSession session, ClientMessage read, LogSink sink) {
        JsonNode message = read.json();
        JsonNode id = message.get("id");
        try {
            if ("initialize".equals(JsonRpc.method(message))) {
                sink.send(sessions.initializeLegacy(function, session, message), true);
                return;
            }
            // re-read: initialize may have completed the session since this message's lookup
            McpSession current = sessions.current(session);
            if (!current.initialized() && !"ping".equals(JsonRpc.method(message))) {
                // initialization comes first (2024-11-05 lifecycle); a client whose stream reconnected (the
                // EventSource does it alone) is in a new session without knowing: it is told, not served blind
                sink.send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, NOT_INITIALIZED), true);
                return;
            }
            try {
                handler.request(function, current, read, sink);
            } catch (ApiException e) {
                sink.send(JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, e.getMessage()), true);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "HTTP+SSE request " + id + " failed: " + e.getMessage());
        }
    }

    /**
     * Records a request for the fleet, best effort: a store that cannot take it (an outage, which the request itself
     * rides out: its answer waits here for the store) leaves it unrecorded, answered only should this replica live.
     *
     * @return the record's id, or null when not recorded
     */
    private String recorded(String call, String value) {
        try {
            calls.started(call, value);
            return call;
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not record an HTTP+SSE request for the fleet", e);
            return null;
        }
    }

    /** Forgets a request's record (best effort: a record left behind is answered only if this replica dies). */
    private void answered(String call) {
        if (call == null) {
            return;
        }
        try {
            calls.finished(call);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not forget an answered HTTP+SSE request", e);
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
