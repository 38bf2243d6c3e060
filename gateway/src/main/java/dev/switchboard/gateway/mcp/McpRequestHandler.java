package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.Status;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the gateway does with a client's JSON-RPC messages once a transport has read them and found their
 * session, whatever the transport: requests answered here ({@code ping}, {@code logging/setLevel} for a
 * stateless function, subscriptions) or relayed to the function with the session's {@code _meta} ({@link SessionMeta}) and backend
 * headers; 2025-03-26 batches; notifications, cancellations and the client's answers (to a bridged input
 * request, or to a stateful function's own request). It knows nothing of HTTP requests and responses: what a
 * request's answer becomes travels through an {@link McpRelay.Sink}, and the function is reached through
 * {@link McpBackend}.
 */
final class McpRequestHandler {
    private final McpRelay relay;
    private final McpBackend backend;
    private final InputBridge bridge;
    private final BackendSessionRecovery recovery;
    private final BackendStreamRelay backendStreams;
    private final BackendSessionReaper reaper;
    private final SessionSubscriptions subscriptions;
    private final CallLimits limits;
    private final McpSessionStore sessionStore;
    private final McpSessions sessions;
    private final SessionsInUse inUse;

    McpRequestHandler(
            McpRelay relay,
            McpBackend backend,
            InputBridge bridge,
            BackendSessionRecovery recovery,
            BackendStreamRelay backendStreams,
            BackendSessionReaper reaper,
            SessionSubscriptions subscriptions,
            CallLimits limits,
            McpSessionStore sessionStore,
            McpSessions sessions,
            SessionsInUse inUse) {
        this.relay = relay;
        this.backend = backend;
        this.bridge = bridge;
        this.recovery = recovery;
        this.backendStreams = backendStreams;
        this.reaper = reaper;
        this.subscriptions = subscriptions;
        this.limits = limits;
        this.sessionStore = sessionStore;
        this.sessions = sessions;
        this.inUse = inUse;
    }

    /**
     * A 2026-07-28 request without a session: relayed as it is, within the function's call limit.
     *
     * @param headers the client's 2026-07-28 request headers and its identity's headers, for the function
     * @throws ApiException when a call limit refuses it
     */
    @SuppressWarnings("try") // the permit is held for the call's duration, not used
    void relayStateless(
            FunctionRegistration function, ClientMessage message, Map<String, String> headers, McpRelay.Sink sink) {
        try (CallLimits.Permit permit = limits.acquire(function)) {
            relay.relay(function, message, headers, null, McpVersions.MODERN, sink);
        }
    }

    /**
     * Answers one request of a session, on whatever sink its transport uses.
     *
     * @throws ApiException when a call limit refuses it (the caller turns that into its transport's error)
     * @throws McpException 404 when a stateful function lost the session before anything was sent: the client
     *                      must initialize again (the session has been ended)
     * @throws IOException  when the sink's client is gone
     */
    void request(FunctionRegistration function, McpSession session, ClientMessage read, McpRelay.Sink sink)
            throws IOException {
        JsonNode message = read.json();
        JsonNode id = message.get("id");
        String method = JsonRpc.method(message);
        boolean modernFunction = McpVersions.MODERN.equals(session.backendVersion());
        switch (method) {
            case "ping" -> sink.send(JsonRpc.result(id, Json.object()), true);
            case "initialize" ->
                sink.send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "session already initialized"), true);
            case "logging/setLevel" -> {
                String level = message.path("params").path("level").asText("");
                if (!McpLogLevels.isLevel(level)) {
                    sink.send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "unknown level '" + level + "'"), true);
                    return;
                }
                // kept in the session: a stateless function learns it on each request (params._meta), through
                // whichever replica the request lands on: those holding a copy of the record are told before the
                // client is answered
                sessionStore.save(session.withLogLevel(level));
                sessions.changed(session.id());
                if (session.backendSessionId() == null) {
                    sink.send(JsonRpc.result(id, Json.object()), true);
                    return;
                }
                // a stateful function filters its own messages: it gets the request and gives the answer
                relayToFunction(function, session.withLogLevel(level), read, sink);
            }
            default -> {
                McpRelay.Sink relayed = sink;
                if (SessionSubscriptions.handles(method)) {
                    // kept here for pushes; a 2026-07-28 function has no such methods, so they are answered here
                    relayed = subscriptions.intercept(session, message, sink, modernFunction);
                    if (relayed == null) {
                        return;
                    }
                }
                relayToFunction(function, session, read, relayed);
            }
        }
    }

    @SuppressWarnings("try") // the permit is held for the call's duration, not used
    private void relayToFunction(
            FunctionRegistration function, McpSession session, ClientMessage read, McpRelay.Sink sink)
            throws IOException {
        JsonNode message = read.json();
        reaper.remember(session);
        backendStreams.awaitOpen(session);
        try (CallLimits.Permit permit = limits.acquire(function)) {
            // a running call uses its session, whether or not its client is still connected: renewed
            // like an open stream, so that the client can still resume it
            inUse.add(session.id());
            // the function gets the session's _meta with the request (SessionMeta)
            relay.relay(
                    function,
                    read,
                    BackendHeaders.forMessage(session, message),
                    session,
                    session.protocolVersion(),
                    sink);
        } catch (BackendSessionRecovery.Lost lost) {
            // the function lost its session and would not take it again: the client must initialize anew
            sessions.end(function, session.id(), null);
            if (!sink.committed()) {
                throw new McpException(
                        Status.NOT_FOUND_404,
                        JsonRpc.GATEWAY_ERROR,
                        "the MCP server lost this session; initialize again");
            }
            sink.send(
                    JsonRpc.error(
                            message.get("id"),
                            JsonRpc.GATEWAY_ERROR,
                            "the MCP server lost this session; initialize again"),
                    true);
        } finally {
            inUse.remove(session.id());
        }
    }

    /**
     * A notification or a response from the client: nothing to answer (its POST gets 202). A client's answer
     * to a bridged input request reaches the replica waiting for it; a cancellation cancels the call
     * wherever it runs; a stateful function keeps its own session and gets the client's notifications and
     * answers, through {@code forwarding}.
     *
     * @param forwarding runs the forwarding to a stateful function: the caller's thread, or the background
     * @throws McpException 400 when the message is no JSON-RPC message
     */
    void notificationOrAnswer(
            FunctionRegistration function, McpSession session, JsonNode message, Executor forwarding) {
        if (InputBridge.isBridgedAnswer(message)) {
            bridge.deliver(session.id(), message);
            return;
        }
        if (RelayedRequestIds.isRelayedAnswer(message)) {
            // the answer to a request from the function's standalone stream: back with the function's id
            JsonNode answer = RelayedRequestIds.withBackendId(message);
            forwarding.execute(() -> forwardToStatefulBackend(function, session, answer));
            return;
        }
        if (!JsonRpc.isNotification(message) && !JsonRpc.isResponse(message)) {
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "not a JSON-RPC message");
        }
        if ("notifications/cancelled".equals(JsonRpc.method(message))) {
            sessions.cancel(session.id(), message.path("params").get("requestId"));
        }
        forwarding.execute(() -> forwardToStatefulBackend(function, session, message));
    }

    /**
     * A JSON-RPC batch: 2025-03-26 sessions only (removed in 2025-06-18). Requests are answered in one JSON
     * array, in order; their notifications are not relayed, and input requests cannot be bridged inside a
     * batch.
     *
     * @return the responses; empty when the batch held no request that has one (its POST gets 202)
     * @throws McpException 400 for a batch in another revision, or an empty one
     */
    Optional<ArrayNode> batch(FunctionRegistration function, McpSession session, JsonNode batch) throws IOException {
        if (!"2025-03-26".equals(session.protocolVersion())) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "batches exist only in protocol version 2025-03-26");
        }
        if (batch.isEmpty()) {
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "empty batch");
        }
        ArrayNode responses = Json.MAPPER.createArrayNode();
        for (JsonNode message : batch) {
            if (!message.isObject()) {
                responses.add(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "a batch holds JSON-RPC objects"));
                continue;
            }
            // each element is a message of its own: refused alone, as a single message would be, the rest served
            Optional<String> invalid = JsonRpc.envelopeProblem(message);
            if (invalid.isPresent()) {
                JsonNode id = message.get("id");
                responses.add(JsonRpc.error(
                        id != null && JsonRpc.isId(id) ? id : null, JsonRpc.INVALID_REQUEST, invalid.get()));
            } else if (!JsonRpc.isRequest(message)) {
                notificationOrAnswer(function, session, message, Runnable::run);
            } else if ("initialize".equals(JsonRpc.method(message))) {
                responses.add(JsonRpc.error(
                        message.get("id"), JsonRpc.INVALID_REQUEST, "initialize must not be part of a batch"));
            } else {
                CollectingSink sink = new CollectingSink(message.get("id"));
                try {
                    request(function, session, ClientMessage.of(message), sink);
                } catch (ApiException e) {
                    sink.send(JsonRpc.error(message.get("id"), JsonRpc.GATEWAY_ERROR, e.getMessage()), true);
                }
                sink.response().ifPresent(responses::add);
            }
        }
        return responses.isEmpty() ? Optional.empty() : Optional.of(responses);
    }

    /** Passes a client's notification or answer to a stateful function; a lost function session is re-initialized. */
    private void forwardToStatefulBackend(FunctionRegistration function, McpSession session, JsonNode message) {
        if (session.backendSessionId() == null) {
            return;
        }
        if (!forwardOnce(function, session, message)) {
            recovery.recover(function, session, session.backendSessionId())
                    .ifPresent(recovered -> forwardOnce(function, recovered, message));
        }
    }

    /** @return false when the function no longer knows the session */
    private boolean forwardOnce(FunctionRegistration function, McpSession session, JsonNode message) {
        try (BackendCall call =
                backend.post(function, message, BackendHeaders.forMessage(session, message), function.timeout())) {
            BackendCall.Item item = call.next();
            return !BackendSessionRecovery.isLost(
                    call.status(), item instanceof BackendCall.Message m ? m.json() : null);
        }
    }
}
