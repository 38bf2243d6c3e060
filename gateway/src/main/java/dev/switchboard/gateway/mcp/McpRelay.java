package dev.switchboard.gateway.mcp;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.registry.Durations;
import dev.switchboard.registry.FunctionRegistration;

/**
 * Relays one client request to its function and the function's messages back as they arrive: the
 * function's notifications (progress, logging) first, then its response, which ends the exchange. Where
 * the messages go is the {@link Sink}'s business: the POST's own answer (Streamable HTTP) or the session's
 * SSE stream (HTTP+SSE). Failures and time-outs become a JSON-RPC error for that request.
 */
final class McpRelay {
    private static final Logger LOGGER = Logger.getLogger(McpRelay.class.getName());

    private final McpBackend backend;
    /** In-flight calls of this replica, by session and request id, for {@code notifications/cancelled}. */
    private final Map<String, BackendCall> inflight = new ConcurrentHashMap<>();

    McpRelay(McpBackend backend) {
        this.backend = backend;
    }

    /** Where relayed messages go. */
    interface Sink {
        /**
         * @param message a message for the client
         * @param last    whether it is the response that ends the exchange
         * @throws IOException when the client is gone
         */
        void send(JsonNode message, boolean last) throws IOException;

        /**
         * The client cancelled: no response is sent.
         *
         * @throws IOException when the client is gone
         */
        void cancelled() throws IOException;
    }

    /**
     * @param function        the function
     * @param message         the request to forward
     * @param headers         headers for the function
     * @param sessionId       the client's session (null for stateless 2026-07-28 requests)
     * @param protocolVersion the client's revision
     * @param sink            where the function's messages go
     */
    void relay(FunctionRegistration function, JsonNode message, Map<String, String> headers, String sessionId,
               String protocolVersion, Sink sink) {
        JsonNode id = message.get("id");
        String key = sessionId + "|" + id;
        long deadline = System.nanoTime() + function.timeout().toNanos();
        BackendCall call = backend.post(function, message, headers, function.timeout());
        inflight.put(key, call);
        try {
            while (true) {
                BackendCall.Item item = call.next(deadline);
                if (item instanceof BackendCall.Cancelled) {
                    sink.cancelled();
                    return;
                }
                JsonNode toSend;
                boolean last = true;
                if (item == null) {
                    toSend = JsonRpc.error(id, JsonRpc.TIMEOUT, "function did not answer within "
                            + Durations.format(function.timeout()));
                } else if (item instanceof BackendCall.Failure failure) {
                    toSend = JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, failure.reason());
                } else if (item instanceof BackendCall.End) {
                    toSend = JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "function ended its answer without a response");
                } else {
                    toSend = ((BackendCall.Message) item).json();
                    last = JsonRpc.isResponse(toSend) && id.equals(toSend.get("id"));
                    if (last) {
                        toSend = McpResults.forClient(toSend, protocolVersion);
                    }
                }
                sink.send(toSend, last);
                if (last) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away: in session-based revisions that is not a cancellation, but nobody is
            // left to read this answer; what was logged can still be resumed
            LOGGER.log(Level.FINE, "relay of request " + id + " ended early", e);
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

    /**
     * Cancels every call of a session (its HTTP+SSE connection is gone).
     *
     * @param sessionId session id
     */
    void cancelAll(String sessionId) {
        inflight.keySet().removeIf(key -> {
            if (key.startsWith(sessionId + "|")) {
                BackendCall call = inflight.get(key);
                if (call != null) {
                    call.cancel();
                }
                return true;
            }
            return false;
        });
    }
}
