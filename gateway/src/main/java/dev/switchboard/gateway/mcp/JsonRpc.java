package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;

/** JSON-RPC 2.0 message shapes. */
public final class JsonRpc {
    /** Invalid JSON was received. */
    public static final int PARSE_ERROR = -32700;
    /** The JSON is not a valid request object. */
    public static final int INVALID_REQUEST = -32600;
    /** The method does not exist. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** Invalid method parameters. */
    public static final int INVALID_PARAMS = -32602;
    /** Internal error: here, the function failed or answered garbage. */
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined: the gateway refuses a request (unknown server, missing session, ...). */
    public static final int GATEWAY_ERROR = -32000;
    /** Implementation-defined: the function did not answer in time. */
    public static final int TIMEOUT = -32001;
    /** 2026-07-28: a standard header does not agree with the body (or is missing). */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request's protocol version is not one the server speaks ({@code data.supported}). */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpc() {}

    /**
     * Checks what every JSON-RPC 2.0 message must be, as MCP sends it: {@code "jsonrpc": "2.0"}, a method that is a
     * string, and an id, when there is one on a request or notification, that is a string or an integer (MCP: "MUST
     * NOT be null"). A response may carry a null id (JSON-RPC's answer to a request whose id could not be read).
     *
     * @param message a JSON-RPC object
     * @throws McpException 400 {@link #INVALID_REQUEST} naming what is wrong, answered with the id when it has one
     */
    static void checkEnvelope(JsonNode message) {
        envelopeProblem(message).ifPresent(problem -> {
            throw invalid(problem);
        });
    }

    /**
     * @param message a JSON-RPC object
     * @return what is wrong with its envelope ({@link #checkEnvelope}), or empty
     */
    static java.util.Optional<String> envelopeProblem(JsonNode message) {
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return java.util.Optional.of("\"jsonrpc\" must be \"2.0\"");
        }
        JsonNode method = message.get("method");
        if (method != null && !method.isTextual()) {
            return java.util.Optional.of("\"method\" must be a string");
        }
        JsonNode id = message.get("id");
        if (method != null && id != null && !isId(id)) {
            return java.util.Optional.of(
                    id.isNull() ? "a request's id must not be null" : "an id is a string or an integer");
        }
        return java.util.Optional.empty();
    }

    /** @return whether a request may carry this id: a string or an integer (never null, as MCP says) */
    static boolean isId(JsonNode id) {
        return id.isTextual() || id.isIntegralNumber();
    }

    private static McpException invalid(String message) {
        return new McpException(io.helidon.http.Status.BAD_REQUEST_400, INVALID_REQUEST, message);
    }

    /**
     * @param message a JSON-RPC message
     * @return whether it is a request (method and id)
     */
    public static boolean isRequest(JsonNode message) {
        return message.hasNonNull("method")
                && message.has("id")
                && !message.get("id").isNull();
    }

    /**
     * @param message a JSON-RPC message
     * @return whether it is a notification (method, no id)
     */
    public static boolean isNotification(JsonNode message) {
        return message.hasNonNull("method")
                && (!message.has("id") || message.get("id").isNull());
    }

    /**
     * @param message a JSON-RPC message
     * @return whether it is a response (result or error, no method)
     */
    public static boolean isResponse(JsonNode message) {
        return !message.has("method") && (message.has("result") || message.has("error"));
    }

    /**
     * @param message a JSON-RPC message
     * @return its method, or empty
     */
    public static String method(JsonNode message) {
        return message.path("method").asText("");
    }

    /**
     * @param id     the request's id
     * @param method its method
     * @return a request of the gateway's own, its params still to add
     */
    static ObjectNode request(String id, String method) {
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", method);
        return request;
    }

    /**
     * @param method the notification's method
     * @param params its params
     * @return a notification of the gateway's own
     */
    static ObjectNode notification(String method, JsonNode params) {
        ObjectNode notification = Json.object();
        notification.put("jsonrpc", "2.0");
        notification.put("method", method);
        notification.set("params", params);
        return notification;
    }

    /**
     * @param id      request id (null for none)
     * @param result  the result
     * @return a response
     */
    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode response = Json.object();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    /**
     * @param id      request id, or null when unknown
     * @param code    error code
     * @param message what went wrong
     * @return an error response; without an id when none is known (2025-11-25 {@code JSONRPCErrorResponse}
     *         has an optional id, and {@code id: null} is no valid MCP request id: SDKs reject it)
     */
    public static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = Json.object();
        response.put("jsonrpc", "2.0");
        if (id != null && !id.isNull()) {
            response.set("id", id);
        }
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return response;
    }
}
