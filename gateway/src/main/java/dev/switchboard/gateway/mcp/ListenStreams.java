package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.RedisKeys;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The 2026-07-28 {@code subscriptions/listen} streams, held by the gateway: a stateless function cannot hold a
 * stream, so the gateway answers the request itself with an SSE stream that starts with
 * {@code notifications/subscriptions/acknowledged} and then carries what is pushed to the server
 * ({@code POST /publish/mcp/{server}}, {@link McpPush}) as far as the stream's {@link ListenFilter} asks, each
 * notification stamped with the stream's subscription id (the listen request's JSON-RPC id).
 *
 * <p>Every listen stream of a server follows one log, {@code mcp-server:<namespace>/<name>}, through the routed
 * fan-out: a push is one append to that log, and only the replicas holding a listen stream of that server hear it;
 * each stream filters and stamps it for its own client ({@link SseStream#encodeWith}). The log serves no replay: a
 * listen stream has no event ids and is not resumable (2026-07-28 has no GET stream and no {@code Last-Event-ID});
 * a client that loses it listens again and re-reads what it cares about. The log's position only lets a stream
 * catch up after this replica's fan-out connection was re-made.
 *
 * <p>Ends: the client closing the stream (its cancellation); the gateway stopping, or the server's registration
 * removed (every replica's catalog hears of it, {@link #serverRemoved}), each of which answers the listen request
 * with {@code {resultType: "complete"}} and then closes (the spec's SHOULD for a server ending it); a client too
 * slow to read, cut off without an answer.
 */
final class ListenStreams {
    /** The method. */
    static final String METHOD = "subscriptions/listen";
    /** Where a listen stream's notifications carry the subscription id. */
    static final String META_SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    private static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    private static final Logger LOGGER = Logger.getLogger(ListenStreams.class.getName());

    private final HeldMcpStreams held;
    private final StreamHub hub;
    private final ListenPresence presence;
    private final StateStore state;
    private final String namespace;
    private final int maxUris;

    /**
     * @param held   admission and release of the streams
     * @param hub      this replica's streams, to find a server's
     * @param presence the fleet-wide record of the streams, for the count a push answers with
     * @param state    the event logs
     * @param config   the namespace and {@code MAX_MCP_SUBSCRIPTIONS} (most resource URIs one stream listens to)
     */
    ListenStreams(HeldMcpStreams held, StreamHub hub, ListenPresence presence, StateStore state, GatewayConfig config) {
        this.held = held;
        this.hub = hub;
        this.presence = presence;
        this.state = state;
        this.namespace = config.namespace();
        this.maxUris = config.limits().maxMcpSubscriptions();
    }

    /**
     * Ends the listen streams this replica holds for a server whose registration is gone: each answers its listen
     * request {@code complete} and closes, as on the gateway's stop (a client listening again gets 404).
     *
     * @param function the removed registration's name
     */
    void serverRemoved(String function) {
        for (SseStream s : hub.of(logKey(namespace, function))) {
            s.close(CloseReason.SHUTDOWN);
        }
    }

    /** @return whether a stateless message is a listen request, which the gateway answers itself */
    static boolean isListen(JsonNode message) {
        return message.isObject() && JsonRpc.isRequest(message) && METHOD.equals(JsonRpc.method(message));
    }

    /**
     * @param namespace a gateway's namespace
     * @param function  an MCP server's registered name
     * @return the log its pushes for listen streams go to
     */
    static String logKey(String namespace, String function) {
        return RedisKeys.MCP_SERVER_LOG_PREFIX + namespace + "/" + function;
    }

    /**
     * Answers a listen request with its stream, held until the client leaves or the gateway stops. Refusals before
     * the stream starts are JSON-RPC errors with the 2026-07-28 statuses.
     *
     * @param res      the POST, on either listener
     * @param function the MCP server
     * @param message  the listen request
     * @param accept   what the client accepts
     */
    void listen(McpExchange res, FunctionRegistration function, JsonNode message, ClientAccept accept) {
        JsonNode id = message.get("id");
        ObjectNode unsupported = checkRequest(res.headers(), message);
        if (unsupported != null) {
            res.sendJson(Status.BAD_REQUEST_400, unsupported);
            return;
        }
        ListenFilter filter = ListenFilter.parse(message.get("params"), maxUris);
        if (!accept.sse()) {
            throw new McpException(
                    Status.NOT_ACCEPTABLE_406,
                    JsonRpc.INVALID_REQUEST,
                    "subscriptions/listen is answered with an SSE stream: Accept must include text/event-stream");
        }
        Identity owner = res.identity();
        Runnable uncount = res.countStream();
        SseStream stream;
        try {
            stream = hold(owner, function.name(), id, filter);
        } catch (RuntimeException e) {
            uncount.run();
            throw e;
        }
        CloseReason reason = CloseReason.CLIENT_GONE;
        presence.opened(function.name(), stream.connectionId());
        try {
            OutputStream out = res.startSse();
            out.write(SseEncoder.event(null, null, Json.write(acknowledgement(id, filter))));
            out.flush();
            reason = stream.pump(out, (events, heartbeat) -> {});
            if (reason == CloseReason.SHUTDOWN) {
                out.write(SseEncoder.event(null, null, Json.write(complete(id))));
            }
            out.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "listen stream ended", e);
        } finally {
            presence.closed(function.name(), stream.connectionId());
            release(stream, owner, reason);
            uncount.run();
        }
    }

    /**
     * The 2026-07-28 per-request rules the function would apply, applied here since the function never sees this
     * request: the version header, the {@code _meta} fields, their agreement, the revision, {@code Mcp-Method}.
     *
     * @return an unsupported-version error to send (it carries data), or null when the request is fine
     * @throws McpException 400 with -32020 (header mismatch) or -32602 (invalid params)
     */
    private static ObjectNode checkRequest(io.helidon.http.Headers headers, JsonNode message) {
        JsonNode meta = message.path("params").path("_meta");
        String header = headers.first(StreamableHttpTransport.PROTOCOL_VERSION).orElse(null);
        JsonNode version = meta.get(McpMeta.PROTOCOL_VERSION);
        if (header == null) {
            throw new McpException(
                    Status.BAD_REQUEST_400, JsonRpc.HEADER_MISMATCH, "Missing MCP-Protocol-Version header");
        }
        if (version == null || !version.isTextual()) {
            throw new McpException(
                    Status.BAD_REQUEST_400, JsonRpc.INVALID_PARAMS, "Missing _meta field " + McpMeta.PROTOCOL_VERSION);
        }
        if (!meta.path(META_CLIENT_CAPABILITIES).isObject()) {
            throw new McpException(
                    Status.BAD_REQUEST_400, JsonRpc.INVALID_PARAMS, "Missing _meta field " + META_CLIENT_CAPABILITIES);
        }
        if (!header.equals(version.asText())) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.HEADER_MISMATCH,
                    "MCP-Protocol-Version header '" + header + "' does not match _meta protocolVersion '"
                            + version.asText() + "'");
        }
        if (!McpVersions.MODERN.equals(header)) {
            ObjectNode error = JsonRpc.error(
                    message.get("id"), JsonRpc.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + header);
            ObjectNode data = ((ObjectNode) error.get("error")).putObject("data");
            data.putArray("supported").add(McpVersions.MODERN);
            data.put("requested", header);
            return error;
        }
        String method = headers.first(HeaderNames.create("Mcp-Method")).orElse(null);
        if (!METHOD.equals(method)) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.HEADER_MISMATCH,
                    method == null
                            ? "Missing Mcp-Method header"
                            : "Mcp-Method header value '" + method + "' does not match body value '" + METHOD + "'");
        }
        return null;
    }

    /** Admits the stream: the owner's and the replica's stream limits, the server's log followed here. */
    private SseStream hold(Identity owner, String function, JsonNode id, ListenFilter filter) {
        String logKey = logKey(namespace, function);
        return held.admit(
                owner,
                logKey,
                Map.of("mcp_server", function, "mcp_stream", "listen"),
                stream -> {
                    // from the log's end as it is before the stream follows it: what is pushed once the
                    // acknowledgement is out is delivered, and a catch-up after a fan-out reconnection starts here
                    stream.startAfter(state.events().tail(logKey));
                    stream.encodeWith(encoder(id, filter));
                },
                // not met: a listen log is followed by many clients, uncounted per log
                HeldMcpStreams.logFull("this MCP server's listen log holds its maximum of streams"));
    }

    private void release(SseStream stream, Identity owner, CloseReason reason) {
        held.release(stream, owner, reason);
    }

    /** One stream's view of the server's pushes: what its filter asks for, stamped with its subscription id. */
    static Function<ClientEvent, byte[]> encoder(JsonNode subscriptionId, ListenFilter filter) {
        return event -> {
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(event.data());
            } catch (JsonProcessingException e) {
                return null;
            }
            if (!(message instanceof ObjectNode notification) || !filter.wants(notification)) {
                return null;
            }
            JsonNode params = notification.get("params");
            ObjectNode stamped = params instanceof ObjectNode p ? p : notification.putObject("params");
            JsonNode meta = stamped.get("_meta");
            (meta instanceof ObjectNode m ? m : stamped.putObject("_meta")).set(META_SUBSCRIPTION_ID, subscriptionId);
            return SseEncoder.event(null, null, Json.write(notification));
        };
    }

    /** The stream's first message: the subscription id and the honoured subset of the filter. */
    static ObjectNode acknowledgement(JsonNode subscriptionId, ListenFilter filter) {
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", "notifications/subscriptions/acknowledged");
        ObjectNode params = message.putObject("params");
        params.putObject("_meta").set(META_SUBSCRIPTION_ID, subscriptionId);
        params.set("notifications", filter.honoured());
        return message;
    }

    /** The answer to the listen request when the gateway ends the stream. */
    static ObjectNode complete(JsonNode subscriptionId) {
        ObjectNode result = Json.object();
        result.put("resultType", "complete");
        result.putObject("_meta").set(META_SUBSCRIPTION_ID, subscriptionId);
        return JsonRpc.result(subscriptionId, result);
    }
}
