package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseResponses;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP+SSE transport (2024-11-05): {@code GET /mcp/{name}/sse} opens a session whose messages all travel
 * on that one stream, and {@code POST /mcp/{name}/messages?sessionId=...} carries the client's messages,
 * accepted at once (202) and answered on the stream ({@link LogSink}), which may be held by another replica.
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
    /** HTTP+SSE requests run after their POST is answered (202). */
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    LegacySseTransport(
            McpRequestReader reader,
            OriginGuard origins,
            McpSessions sessions,
            McpRequestHandler handler,
            SessionStreams streams,
            BackendStreamRelay backendStreams,
            ClientEventLog events) {
        this.reader = reader;
        this.origins = origins;
        this.sessions = sessions;
        this.handler = handler;
        this.streams = streams;
        this.backendStreams = backendStreams;
        this.events = events;
    }

    /**
     * {@code GET /mcp/{name}/sse}: opens a session whose messages all travel on this stream; the
     * {@code endpoint} event names where the client posts. The session ends with the connection.
     */
    void stream(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = reader.function(req);
        origins.check(req);
        McpSession session = sessions.openLegacy(function, AdmissionFilters.identity(req));
        String logKey = McpIds.logKey(session.id(), McpIds.LEGACY_STREAM);
        SseStream stream = streams.hold(
                session.id(),
                session.owner(),
                "http+sse",
                logKey,
                () -> new McpException(
                        Status.SERVICE_UNAVAILABLE_503,
                        JsonRpc.GATEWAY_ERROR,
                        "this replica holds its maximum of connections (MAX_CONNECTIONS)"));
        CloseReason reason = CloseReason.CLIENT_GONE;
        backendStreams.watch(session, logKey);
        try {
            sessions.saveNew(session);
            OutputStream out = SseResponses.start(res);
            out.write(SseEncoder.event(
                    null, "endpoint", "/mcp/" + function.name() + "/messages?sessionId=" + session.id()));
            out.flush();
            reason = stream.pump(out, (written, heartbeat) -> {});
            out.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "HTTP+SSE stream ended", e);
        } finally {
            backendStreams.unwatch(session.id());
            streams.release(stream, session.id(), session.owner(), reason);
            sessions.endLegacy(function, session.id());
        }
    }

    /**
     * {@code POST /mcp/{name}/messages?sessionId=...}: accepted at once (202); answers travel on the session's
     * SSE stream, which may be held by another replica.
     */
    void message(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = reader.function(req);
        origins.check(req);
        String sessionId = req.query()
                .first("sessionId")
                .orElseThrow(() -> new McpException(
                        Status.BAD_REQUEST_400, JsonRpc.GATEWAY_ERROR, "sessionId query parameter is required"));
        McpSession session = sessions.find(sessionId, AdmissionFilters.identity(req), function);
        JsonNode message = reader.message(req);
        McpSpans.describe(message, session.id());
        if (message.isArray()) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "batches are not part of the HTTP+SSE transport here");
        }
        // answered in the background: the request's trace goes along to the function call
        Executor background = io.opentelemetry.context.Context.current().wrap(this.background);
        if (JsonRpc.isRequest(message)) {
            LogSink sink = new LogSink(events, McpIds.logKey(session.id(), McpIds.LEGACY_STREAM));
            background.execute(() -> request(function, session, message, sink));
        } else {
            handler.notificationOrAnswer(function, session, message, background);
        }
        res.status(Status.ACCEPTED_202);
        res.send();
    }

    private void request(FunctionRegistration function, McpSession session, JsonNode message, LogSink sink) {
        JsonNode id = message.get("id");
        try {
            if ("initialize".equals(JsonRpc.method(message))) {
                sink.send(sessions.initializeLegacy(function, session, message), true);
                return;
            }
            // re-read: initialize may have completed the session since this message's lookup
            McpSession current = sessions.current(session);
            try {
                handler.request(function, current, message, sink);
            } catch (ApiException e) {
                sink.send(JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, e.getMessage()), true);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "HTTP+SSE request " + id + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
