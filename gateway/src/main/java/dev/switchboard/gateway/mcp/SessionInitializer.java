package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.registry.FunctionRegistration;
import java.time.Clock;
import java.util.Map;

/**
 * A client's {@code initialize}, put to its function: a stateful function answers with its own session id,
 * and a function that speaks only 2026-07-28 has no {@code initialize}, so its {@code server/discover}
 * answer stands in for it. Either way the client gets an initialize result at the negotiated version, and
 * the session it opens.
 */
final class SessionInitializer {
    private final McpBackend backend;
    private final Clock clock;

    SessionInitializer(McpBackend backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
    }

    /**
     * The answer to a client's initialize, and the session it opens.
     *
     * @param response the JSON-RPC response for the client
     * @param session  the session, or null when the function refused
     */
    record Initialized(JsonNode response, McpSession session) {}

    /**
     * Forwards {@code initialize} to the function and answers with the function's result at the negotiated
     * version.
     *
     * @param function  the function
     * @param message   the client's initialize request
     * @param sessionId the id the session gets
     * @param identity  the client's identity
     * @return the answer and the session (not saved)
     */
    Initialized initialize(FunctionRegistration function, JsonNode message, String sessionId, Identity identity) {
        JsonNode params = message.path("params");
        String version = McpVersions.negotiate(params.path("protocolVersion").asText(""));
        JsonNode id = message.get("id");
        JsonNode response;
        String backendSessionId;
        try (BackendCall call = backend.post(function, message, identity.functionHeaders(), function.timeout())) {
            response = awaitResponse(call, id, function);
            backendSessionId = call.sessionId();
        }
        String backendVersion = response.path("result").path("protocolVersion").asText(version);
        ObjectNode result;
        if (response.path("result").isObject()) {
            result = ((ObjectNode) response.get("result")).deepCopy();
        } else {
            result = discover(function, params, identity);
            if (result == null) {
                return new Initialized(response, null);
            }
            backendVersion = McpVersions.MODERN;
            backendSessionId = null;
        }
        result.put("protocolVersion", version);
        McpSession session = new McpSession(
                sessionId,
                function.name(),
                version,
                params.path("clientInfo"),
                params.path("capabilities"),
                backendSessionId,
                backendVersion,
                null,
                clock.instant(),
                identity);
        return new Initialized(JsonRpc.result(id, result), session);
    }

    /**
     * Asks a 2026-07-28 function what it offers and turns that into an initialize result.
     *
     * @return the result, or null when the function does not answer {@code server/discover} either
     */
    private ObjectNode discover(FunctionRegistration function, JsonNode initializeParams, Identity identity) {
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", "sb-discover");
        request.put("method", "server/discover");
        ObjectNode meta = request.putObject("params").putObject("_meta");
        meta.put(McpMeta.PROTOCOL_VERSION, McpVersions.MODERN);
        meta.set(
                McpMeta.CLIENT_CAPABILITIES,
                initializeParams.path("capabilities").isObject()
                        ? initializeParams.get("capabilities")
                        : Json.object());
        if (initializeParams.path("clientInfo").isObject()) {
            meta.set(McpMeta.CLIENT_INFO, initializeParams.get("clientInfo"));
        }
        JsonNode answer;
        Map<String, String> headers = BackendHeaders.modern("server/discover", null);
        headers.putAll(identity.functionHeaders());
        try (BackendCall call = backend.post(function, request, headers, function.timeout())) {
            answer = awaitResponse(call, request.get("id"), function);
        }
        JsonNode discovered = answer.path("result");
        if (!discovered.path("capabilities").isObject()) {
            return null;
        }
        ObjectNode result = Json.object();
        ObjectNode capabilities = ((ObjectNode) discovered.get("capabilities")).deepCopy();
        // the gateway serves logging/setLevel for the session and passes the level on every request
        if (!capabilities.has("logging")) {
            capabilities.putObject("logging");
        }
        result.set("capabilities", capabilities);
        JsonNode serverInfo = discovered.path("_meta").path(McpMeta.SERVER_INFO);
        result.set(
                "serverInfo",
                serverInfo.isObject()
                        ? serverInfo
                        : Json.object().put("name", function.name()).put("version", "unknown"));
        if (discovered.hasNonNull("instructions")) {
            result.set("instructions", discovered.get("instructions"));
        }
        return result;
    }

    /** Waits for the function's response to one request; failures become a JSON-RPC error response. */
    private static JsonNode awaitResponse(BackendCall call, JsonNode id, FunctionRegistration function) {
        while (true) {
            BackendCall.Item item = call.next();
            if (item == null) {
                return JsonRpc.error(id, JsonRpc.TIMEOUT, "function did not answer in time");
            } else if (item instanceof BackendCall.Failure f) {
                return JsonRpc.error(id, f.code(), f.reason());
            } else if (item instanceof BackendCall.End || item instanceof BackendCall.Cancelled) {
                return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "function gave no response");
            } else if (JsonRpc.isResponse(((BackendCall.Message) item).json())) {
                return ((BackendCall.Message) item).json();
            }
        }
    }
}
