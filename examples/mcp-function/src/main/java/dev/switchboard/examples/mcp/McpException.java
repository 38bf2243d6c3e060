package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON-RPC error to answer with, and the HTTP status it goes out with. Legacy (pre-2026) errors travel in a
 * 200; 2026-07-28 pins 400 or 404 for some codes. Control flow, not a bug: no stack trace.
 */
final class McpException extends RuntimeException {

    private final int code;
    private final transient JsonNode data;
    private final int httpStatus;

    McpException(int code, String message, JsonNode data, int httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
        this.httpStatus = httpStatus;
    }

    static McpException invalidParams(String message) {
        return new McpException(JsonRpc.INVALID_PARAMS, message, null, 200);
    }

    static McpException invalidParams(String message, JsonNode data) {
        return new McpException(JsonRpc.INVALID_PARAMS, message, data, 200);
    }

    static McpException invalidRequest(String message) {
        return new McpException(JsonRpc.INVALID_REQUEST, message, null, 400);
    }

    /** 2026-07-28 answers an unknown (or removed) method with 404; the legacy revisions just use the code. */
    static McpException methodNotFound(String method, boolean modern) {
        return new McpException(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method, null, modern ? 404 : 200);
    }

    /** A 2026-07-28 request whose {@code _meta} lacks a required field. */
    static McpException badMeta(String message) {
        return new McpException(JsonRpc.INVALID_PARAMS, message, null, 400);
    }

    static McpException headerMismatch(String message) {
        return new McpException(JsonRpc.HEADER_MISMATCH, message, null, 400);
    }

    static McpException unsupportedVersion(String requested) {
        ObjectNode data = Json.object();
        data.set("supported", Json.array(ServerInfo.MODERN_VERSION));
        data.put("requested", requested);
        return new McpException(
                JsonRpc.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + requested, data, 400);
    }

    /** @param required a {@code ClientCapabilities} object, e.g. {@code {"sampling":{}}} */
    static McpException missingCapabilities(ObjectNode required) {
        ObjectNode data = Json.object();
        data.set("requiredCapabilities", required);
        List<String> names = new ArrayList<>();
        required.fieldNames().forEachRemaining(names::add);
        return new McpException(
                JsonRpc.MISSING_CLIENT_CAPABILITY,
                "Missing required client capabilities: " + String.join(", ", names),
                data,
                400);
    }

    int code() {
        return code;
    }

    JsonNode data() {
        return data;
    }

    int httpStatus() {
        return httpStatus;
    }
}
