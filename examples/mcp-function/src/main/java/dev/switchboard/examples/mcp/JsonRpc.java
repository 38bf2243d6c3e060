package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 envelopes and the error codes MCP uses. */
final class JsonRpc {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** 2026-07-28: HTTP headers disagree with the body. */
    static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request needs a client capability the request did not declare. */
    static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the request's protocol version is not served. */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpc() {}

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode message = Json.object().put("jsonrpc", "2.0");
        message.set("id", id);
        message.set("result", result);
        return message;
    }

    static ObjectNode error(JsonNode id, int code, String text, JsonNode data) {
        ObjectNode error = Json.object().put("code", code).put("message", text);
        if (data != null) {
            error.set("data", data);
        }
        ObjectNode message = Json.object().put("jsonrpc", "2.0");
        message.set("id", id == null ? NullNode.instance : id);
        message.set("error", error);
        return message;
    }

    static ObjectNode error(JsonNode id, McpException e) {
        return error(id, e.code(), e.getMessage(), e.data());
    }

    static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode message = Json.object().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        return message;
    }

    /** A valid MCP request id: a string or an integer (MCP forbids null). */
    static boolean isValidId(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber());
    }
}
