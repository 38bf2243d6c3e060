package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.http1.CallControl;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.registry.Durations;
import dev.switchboard.registry.FunctionRegistration;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relays one client request to its function and the function's messages back as they arrive: the
 * function's notifications (progress, logging) first, then its response, which ends the exchange. Where
 * the messages go is the {@link Sink}'s business: the POST's own answer (Streamable HTTP) or the session's
 * SSE stream (HTTP+SSE). Failures and time-outs become a JSON-RPC error for that request.
 */
final class McpRelay {
    private static final Logger LOGGER = Logger.getLogger(McpRelay.class.getName());

    /** Rounds of input one request may need before the gateway gives up. */
    static final int MAX_INPUT_ROUNDS = 8;
    /** The requests whose result may be {@code input_required} (SEP-2322, "Supported Requests"). */
    static final java.util.List<String> ASKING_METHODS =
            java.util.List.of("tools/call", "prompts/get", "resources/read");

    private final McpBackend backend;
    private final InputBridge bridge;
    private final java.time.Duration heartbeat;
    private final dev.switchboard.gateway.metrics.GatewayMetrics metrics;
    /**
     * How to cancel each request this replica relays, by session and request id, for {@code notifications/cancelled}:
     * its call to the function, or its wait for the client's input between two calls.
     */
    private final Map<CallKey, Runnable> inflight = new ConcurrentHashMap<>();

    /**
     * A call's place in {@link #inflight}: the id as parsed (JSON values compare by value), not its text, which
     * would serialize the id on every call.
     *
     * @param sessionId the session, or null for a stateless request
     * @param id        the request's id
     */
    private record CallKey(String sessionId, JsonNode id) {}

    private final BackendSessionRecovery recovery;

    McpRelay(
            McpBackend backend,
            InputBridge bridge,
            dev.switchboard.gateway.metrics.GatewayMetrics metrics,
            java.time.Duration heartbeat,
            BackendSessionRecovery recovery) {
        this.recovery = recovery;
        this.heartbeat = heartbeat;
        this.backend = backend;
        this.bridge = bridge;
        this.metrics = metrics;
    }

    /**
     * How long a call may be silent before its stream opening (a primed SSE stream, resumable) is sent; the read
     * watch's tick (20 ms) may add up to one tick. A call answered within it is one JSON answer where the client takes
     * JSON (nothing logged: a warm function's answer costs the store nothing), else one write of opening and answer.
     * Longer calls, the ones worth resuming, are resumable from their 100th millisecond.
     */
    static final java.time.Duration OPENING_HOLD = java.time.Duration.ofMillis(100);

    /** Where relayed messages go. */
    interface Sink {
        /**
         * The call has been silent a moment ({@link #OPENING_HOLD}): a sink that can make its stream resumable from
         * the first byte opens it now (else with the call's first event), so that the client can resume a call that
         * takes a while. A call that answers sooner needs none where the client takes JSON.
         *
         * @throws IOException when the client is gone
         */
        default void openingDue() throws IOException {}

        /**
         * @param message a message for the client
         * @param last    whether it is the response that ends the exchange
         * @throws IOException when the client is gone
         */
        void send(JsonNode message, boolean last) throws IOException;

        /**
         * The response that ends the exchange, with the text the function sent it in when the relay left it unchanged: a
         * sink that answers with one JSON body may write that text rather than serialize the message again.
         *
         * @param message  the response
         * @param verbatim its text as the function sent it, or null
         * @throws IOException when the client is gone
         */
        default void sendResponse(JsonNode message, byte[] verbatim) throws IOException {
            send(message, true);
        }

        /**
         * The client cancelled: no response is sent.
         *
         * @throws IOException when the client is gone
         */
        void cancelled() throws IOException;

        /**
         * The function's HTTP status for its final answer; a sink that relays statelessly may pass it on.
         *
         * @param status the status
         */
        default void functionStatus(int status) {}

        /**
         * Nothing arrived for a heartbeat interval: a sink that holds an open stream keeps it alive.
         *
         * @throws IOException when the client is gone
         */
        default void keepAlive() throws IOException {}

        /** @return whether the client has been answered in part already (a stream is open), so no HTTP status is left */
        default boolean committed() {
            return true;
        }

        /**
         * The relay is over: a {@link #keepAlive()} that still runs (it runs beside the call, on a thread of its own)
         * finishes first, and none writes after this.
         */
        default void end() {}
    }

    /**
     * @param function        the function
     * @param message         the client's request, sent with the session's {@code _meta} ({@link SessionMeta})
     * @param headers         headers for the function
     * @param session         the client's session, or null for stateless 2026-07-28 requests
     * @param protocolVersion the client's revision
     * @param sink            where the function's messages go
     * @throws BackendSessionRecovery.Lost when a stateful function lost the session and re-initializing it
     *                                     did not help
     */
    void relay(
            FunctionRegistration function,
            ClientMessage message,
            Map<String, String> headers,
            dev.switchboard.gateway.state.McpSession session,
            String protocolVersion,
            Sink sink) {
        long start = System.nanoTime();
        String outcome = "client_gone";
        try {
            outcome = relayRounds(function, message, headers, session, protocolVersion, sink);
        } catch (BackendSessionRecovery.Lost e) {
            outcome = "session_lost";
            throw e;
        } finally {
            sink.end();
            metrics.mcpRequest(
                    function.name(),
                    JsonRpc.method(message.json()),
                    outcome,
                    java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private String relayRounds(
            FunctionRegistration function,
            ClientMessage message,
            Map<String, String> headers,
            dev.switchboard.gateway.state.McpSession session,
            String protocolVersion,
            Sink sink) {
        JsonNode id = message.json().get("id");
        // the client's own text where it allows, with the session's _meta written in
        byte[] body = SessionMeta.body(message, session);
        try {
            for (int round = 0; ; round++) {
                VerbatimJson answer;
                try {
                    answer = callOnce(function, id, body, headers, session == null ? null : session.id(), sink);
                } catch (BackendSessionRecovery.Lost lost) {
                    // re-initialize the function's session once, then retry; a second loss reaches the caller
                    McpSession recovered = recovery.recover(function, session, headers.get("Mcp-Session-Id"))
                            .orElseThrow(() -> lost);
                    headers = new java.util.HashMap<>(headers);
                    headers.put("Mcp-Session-Id", recovered.backendSessionId());
                    answer = callOnce(function, id, body, headers, session.id(), sink);
                }
                if (answer == null) {
                    return "cancelled";
                }
                JsonNode response = answer.json();
                if (session == null || !isInputRequired(response)) {
                    JsonNode forClient = session == null ? response : McpResults.forClient(response, protocolVersion);
                    sink.sendResponse(forClient, forClient == response ? answer.verbatim() : null);
                    return outcomeOf(response);
                }
                if (!ASKING_METHODS.contains(JsonRpc.method(message.json()))) {
                    // SEP-2322 lets only these ask for input: a client has no way to answer it elsewhere
                    sink.send(
                            JsonRpc.error(
                                    id,
                                    JsonRpc.INTERNAL_ERROR,
                                    "function answered input_required to " + JsonRpc.method(message.json())
                                            + ", which cannot ask for input (only " + String.join(", ", ASKING_METHODS)
                                            + " can)"),
                            true);
                    return "error";
                }
                if (round >= MAX_INPUT_ROUNDS) {
                    sink.send(
                            JsonRpc.error(
                                    id,
                                    JsonRpc.INTERNAL_ERROR,
                                    "function still needs input after " + MAX_INPUT_ROUNDS + " rounds"),
                            true);
                    return "error";
                }
                metrics.mcpInputRound(function.name());
                JsonNode result = response.get("result");
                ObjectNode inputs;
                // the client may cancel while it is asked: the wait is in flight as a call is
                InputBridge.Wait wait = new InputBridge.Wait(heartbeat);
                CallKey key = new CallKey(session.id(), id);
                Runnable cancel = wait::cancel;
                inflight.put(key, cancel);
                try {
                    inputs = bridge.ask(session.id(), session.clientCapabilities(), result, sink, wait);
                } catch (InputBridge.BridgeException e) {
                    sink.send(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, e.getMessage()), true);
                    return "error";
                } catch (InputBridge.Cancelled e) {
                    sink.cancelled();
                    return "cancelled";
                } finally {
                    inflight.remove(key, cancel);
                }
                body = Json.bytes(
                        SessionMeta.stamp(retryWith(message.json(), inputs, result.get("requestState")), session));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BackendSessionRecovery.Lost e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // a stateless (2026-07-28) client closed its stream, which cancels; a session's sink keeps
            // logging for a resume and reports no such loss
            LOGGER.log(Level.FINE, "relay of request " + id + " ended early", e);
        }
        return "client_gone";
    }

    private static String outcomeOf(JsonNode response) {
        if (!response.has("error")) {
            return "ok";
        }
        return response.get("error").path("code").asInt() == JsonRpc.TIMEOUT ? "timeout" : "error";
    }

    /**
     * One call to the function: relays its notifications and returns its response (or the error that
     * replaces it); null when the client cancelled.
     */
    private VerbatimJson callOnce(
            FunctionRegistration function,
            JsonNode id,
            byte[] body,
            Map<String, String> headers,
            String sessionId,
            Sink sink)
            throws IOException, InterruptedException {
        CallKey key = new CallKey(sessionId, id);
        // heartbeats come from the call's read watch: while the function is silent, beside the blocked read
        CallControl control = CallControl.within(function.timeout())
                .onIdle(heartbeat, sink::keepAlive)
                .onFirstIdle(OPENING_HOLD, sink::openingDue);
        BackendCall call = backend.post(function, body, headers, function.timeout(), control);
        boolean stateful = sessionId != null && headers.get("Mcp-Session-Id") != null;
        boolean first = true;
        Runnable cancel = call::cancel;
        inflight.put(key, cancel);
        try {
            while (true) {
                BackendCall.Item item;
                try {
                    item = call.next();
                } catch (CallControl.IdleActionFailed e) {
                    throw e.getCause();
                }
                if (item instanceof BackendCall.Cancelled) {
                    sink.cancelled();
                    return null;
                }
                if (item == null) {
                    return VerbatimJson.of(JsonRpc.error(
                            id,
                            JsonRpc.TIMEOUT,
                            "function did not answer within " + Durations.format(function.timeout())));
                }
                if (item instanceof BackendCall.End) {
                    return VerbatimJson.of(
                            JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "function ended its answer without a response"));
                }
                BackendCall.Message arrived = item instanceof BackendCall.Message m ? m : null;
                JsonNode received = arrived == null ? null : arrived.json();
                if (first && stateful && BackendSessionRecovery.isLost(call.status(), received)) {
                    throw new BackendSessionRecovery.Lost();
                }
                first = false;
                if (item instanceof BackendCall.Failure failure) {
                    return VerbatimJson.of(JsonRpc.error(id, failure.code(), failure.reason()));
                }
                if (JsonRpc.isResponse(received)) {
                    if (id.equals(received.get("id")) || call.status() >= 400) {
                        sink.functionStatus(call.status());
                        JsonNode answer = answering(id, received);
                        return new VerbatimJson(answer, answer == received ? arrived.verbatim() : null);
                    }
                    // another request's answer would settle whichever of the client's requests has that id: dropped,
                    // and the call goes on waiting for its own (or ends in the error for none)
                    LOGGER.log(
                            Level.INFO,
                            "function " + function.name() + " answered request " + id + " with a response for id "
                                    + received.get("id") + ": dropped, not relayed");
                    continue;
                }
                sink.send(received, false);
            }
        } finally {
            inflight.remove(key, cancel);
            call.close();
        }
    }

    /**
     * A function's refusal (HTTP 4xx/5xx) often carries {@code id: null} or no id, as JSON-RPC allows when the server
     * could not read the request; the client can match only its own id, so the answer is given that id.
     */
    private static JsonNode answering(JsonNode id, JsonNode response) {
        if (id.equals(response.get("id")) || !response.isObject()) {
            return response;
        }
        ObjectNode copy = ((ObjectNode) response).deepCopy();
        copy.set("id", id);
        return copy;
    }

    private static boolean isInputRequired(JsonNode response) {
        return "input_required"
                .equals(response.path("result").path("resultType").asText());
    }

    /**
     * The same request again, now carrying the client's answers (none when it was asked nothing) and the function's
     * state, verbatim.
     */
    private static JsonNode retryWith(JsonNode original, ObjectNode inputs, JsonNode requestState) {
        ObjectNode retry = original.deepCopy();
        JsonNode params = retry.get("params");
        ObjectNode p = params != null && params.isObject() ? (ObjectNode) params : retry.putObject("params");
        if (inputs != null) {
            p.set("inputResponses", inputs);
        } else {
            p.remove("inputResponses");
        }
        if (requestState != null && !requestState.isNull()) {
            p.set("requestState", requestState);
        } else {
            p.remove("requestState");
        }
        return retry;
    }

    /**
     * @param sessionId session id
     * @param requestId the cancelled request's id
     * @return whether a call of this replica was cancelled
     */
    boolean cancel(String sessionId, JsonNode requestId) {
        Runnable cancel = inflight.remove(new CallKey(sessionId, requestId));
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    /**
     * Cancels every call of a session (its HTTP+SSE connection is gone).
     *
     * @param sessionId session id
     */
    void cancelAll(String sessionId) {
        inflight.keySet().removeIf(key -> {
            if (sessionId.equals(key.sessionId())) {
                Runnable cancel = inflight.get(key);
                if (cancel != null) {
                    cancel.run();
                }
                return true;
            }
            return false;
        });
    }
}
