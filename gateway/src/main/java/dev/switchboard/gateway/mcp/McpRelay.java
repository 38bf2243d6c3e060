package dev.switchboard.gateway.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.registry.Durations;
import dev.switchboard.registry.FunctionRegistration;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Relays one client request to its function and the function's answer back, as it arrives: a single
 * JSON answer when the function answers at once and the client accepts JSON; otherwise an SSE stream on
 * which the function's notifications (progress, logging) precede the response, which ends the stream.
 * On a session's stream every event gets an id {@code <streamId>/<logId>} and is logged, so a client
 * that lost the connection resumes that stream with {@code Last-Event-ID}.
 */
final class McpRelay {
    private static final Logger LOGGER = Logger.getLogger(McpRelay.class.getName());

    private final McpBackend backend;
    private final ClientEventLog log;
    /** In-flight calls of this replica, by session and request id, for {@code notifications/cancelled}. */
    private final Map<String, BackendCall> inflight = new ConcurrentHashMap<>();

    McpRelay(McpBackend backend, ClientEventLog log) {
        this.backend = backend;
        this.log = log;
    }

    /** How a relayed stream is identified and whether it is resumable. */
    record StreamContext(String sessionId, String protocolVersion) {
        boolean resumable() {
            return sessionId != null;
        }
    }

    /**
     * @param res      the client's response
     * @param function the function
     * @param message  the request to forward
     * @param headers  headers for the function
     * @param accept   what the client accepts
     * @param stream   the session context, or a context without session (2026-07-28 requests)
     */
    void relay(ServerResponse res, FunctionRegistration function, JsonNode message, Map<String, String> headers,
               ClientAccept accept, StreamContext stream) {
        JsonNode id = message.get("id");
        String key = stream.sessionId() + "|" + id;
        long deadline = System.nanoTime() + function.timeout().toNanos();
        BackendCall call = backend.post(function, message, headers, function.timeout());
        inflight.put(key, call);
        SseOut sse = null;
        try {
            while (true) {
                BackendCall.Item item = call.next(deadline);
                JsonNode toSend;
                boolean last;
                if (item == null) {
                    toSend = JsonRpc.error(id, JsonRpc.TIMEOUT, "function did not answer within "
                            + Durations.format(function.timeout()));
                    last = true;
                } else if (item instanceof BackendCall.Cancelled) {
                    // the client cancelled: no result is sent (a JSON answer must still close the exchange)
                    if (sse == null) {
                        Json.send(res, Status.OK_200, JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, "request cancelled"));
                    }
                    return;
                } else if (item instanceof BackendCall.Failure failure) {
                    toSend = JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, failure.reason());
                    last = true;
                } else if (item instanceof BackendCall.End) {
                    toSend = JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "function ended its answer without a response");
                    last = true;
                } else {
                    toSend = ((BackendCall.Message) item).json();
                    last = JsonRpc.isResponse(toSend) && id.equals(toSend.get("id"));
                    if (last) {
                        toSend = McpResults.forClient(toSend, stream.protocolVersion());
                    }
                }
                if (sse == null && last && (accept.json() || !accept.sse())) {
                    Json.send(res, Status.OK_200, toSend);
                    return;
                }
                if (sse == null) {
                    sse = SseOut.open(res, stream, log);
                }
                sse.send(toSend);
                if (last) {
                    sse.close();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away: in session-based revisions that is not a cancellation, but nobody is
            // left to read this stream; what was logged can still be resumed
            LOGGER.log(Level.FINE, "client stream of request " + id + " ended", e);
        } finally {
            inflight.remove(key, call);
            call.close();
        }
    }

    /**
     * @param sessionId session id
     * @param requestId the cancelled request's id
     * @return whether a call of this replica was cancelled
     */
    boolean cancel(String sessionId, JsonNode requestId) {
        BackendCall call = inflight.remove(sessionId + "|" + requestId);
        if (call == null) {
            return false;
        }
        call.cancel();
        return true;
    }

    /** An SSE response to the client, logged when resumable. */
    private static final class SseOut {
        private final OutputStream out;
        private final StreamContext stream;
        private final ClientEventLog log;
        private final String streamId = McpIds.streamId();

        private SseOut(OutputStream out, StreamContext stream, ClientEventLog log) {
            this.out = out;
            this.stream = stream;
            this.log = log;
        }

        static SseOut open(ServerResponse res, StreamContext stream, ClientEventLog log) throws IOException {
            res.status(Status.OK_200);
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            res.header(HeaderValues.CACHE_NO_CACHE);
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
            SseOut sse = new SseOut(res.outputStream(), stream, log);
            if (stream.resumable() && McpVersions.primesStreams(stream.protocolVersion())) {
                // priming event (SEP-1699): an id the client can resume from before anything else arrives
                sse.out.write(SseEncoder.event(sse.streamId + "/0-0", null, ""));
                sse.out.flush();
            }
            return sse;
        }

        void send(JsonNode message) throws IOException {
            String data = Json.write(message);
            String eventId = null;
            if (stream.resumable()) {
                try {
                    ClientEvent logged = log.publish(McpIds.logKey(stream.sessionId(), streamId), "message", data);
                    eventId = streamId + "/" + logged.id();
                } catch (RuntimeException e) {
                    // the store is down: deliver anyway, without an id to resume from
                    LOGGER.log(Level.FINE, "could not log an MCP event", e);
                }
            }
            out.write(SseEncoder.event(eventId, null, data));
            out.flush();
        }

        void close() throws IOException {
            out.close();
        }
    }
}
