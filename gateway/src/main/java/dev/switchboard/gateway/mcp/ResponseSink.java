package dev.switchboard.gateway.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseResponses;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Relayed messages as the answer to the client's POST (Streamable HTTP): one JSON answer when the
 * response comes first and the client accepts JSON, else an SSE stream. On a session's stream every event
 * gets an id {@code <streamId>/<logId>} and is logged, so a client that lost the connection resumes that
 * stream with {@code Last-Event-ID}; streams of 2025-11-25 sessions start with a priming event.
 */
final class ResponseSink implements McpRelay.Sink {
    private static final Logger LOGGER = Logger.getLogger(ResponseSink.class.getName());

    private final ServerResponse res;
    private final ClientAccept accept;
    private final ClientEventLog log;
    private final String sessionId;
    private final String protocolVersion;
    private final String streamId = McpIds.streamId();
    private OutputStream out;
    private int jsonStatus = 200;

    /**
     * @param res             the client's response
     * @param accept          what the client accepts
     * @param log             event logs for resumption
     * @param sessionId       the session, or null (not resumable)
     * @param protocolVersion the session's revision
     */
    ResponseSink(ServerResponse res, ClientAccept accept, ClientEventLog log, String sessionId,
                 String protocolVersion) {
        this.res = res;
        this.accept = accept;
        this.log = log;
        this.sessionId = sessionId;
        this.protocolVersion = protocolVersion;
    }

    @Override
    public void send(JsonNode message, boolean last) throws IOException {
        if (out == null && last && (accept.json() || !accept.sse())) {
            Json.send(res, Status.create(jsonStatus), message);
            return;
        }
        if (out == null) {
            open();
        }
        String data = Json.write(message);
        String eventId = null;
        if (sessionId != null) {
            try {
                ClientEvent logged = log.publish(McpIds.logKey(sessionId, streamId), "message", data);
                eventId = streamId + "/" + logged.id();
            } catch (RuntimeException e) {
                // the store is down: deliver anyway, without an id to resume from
                LOGGER.log(Level.FINE, "could not log an MCP event", e);
            }
        }
        out.write(SseEncoder.event(eventId, null, data));
        out.flush();
        if (last) {
            out.close();
        }
    }

    /** Stateless (2026-07-28) answers keep the function's status: its 400s and 404s are part of the protocol. */
    @Override
    public void functionStatus(int status) {
        if (sessionId == null && status >= 400 && status < 500) {
            jsonStatus = status;
        }
    }

    /**
     * A call that outlasts a heartbeat interval: a client that takes SSE gets its answer as a stream now,
     * kept alive with comments, so that no proxy cuts a quiet connection.
     */
    @Override
    public void keepAlive() throws IOException {
        if (out == null) {
            if (!accept.sse()) {
                return;
            }
            open();
        }
        out.write(SseEncoder.comment("keep-alive"));
        out.flush();
    }

    @Override
    public void cancelled() throws IOException {
        if (out == null) {
            // a JSON exchange must still be answered; the result itself is suppressed
            Json.send(res, Status.OK_200, JsonRpc.error(null, JsonRpc.GATEWAY_ERROR, "request cancelled"));
        } else {
            out.close();
        }
    }

    private void open() throws IOException {
        out = SseResponses.start(res);
        if (sessionId != null && McpVersions.primesStreams(protocolVersion)) {
            // priming event (SEP-1699): an id the client can resume from before anything else arrives
            out.write(SseEncoder.event(streamId + "/0-0", null, ""));
            out.flush();
        }
    }
}
