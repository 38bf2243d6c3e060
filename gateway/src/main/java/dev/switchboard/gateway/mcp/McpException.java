package dev.switchboard.gateway.mcp;

import io.helidon.http.Status;

/** A refused MCP request: an HTTP status and a JSON-RPC error body (without an id unless known). */
public class McpException extends RuntimeException {
    private final Status status;
    private final int code;
    /** The methods the path allows, for a 405's {@code Allow} header; null otherwise. */
    private final String allow;

    /**
     * @param status  HTTP status
     * @param code    JSON-RPC error code
     * @param message what is wrong
     */
    public McpException(Status status, int code, String message) {
        this(status, code, message, null);
    }

    private McpException(Status status, int code, String message, String allow) {
        super(message);
        this.status = status;
        this.code = code;
        this.allow = allow;
    }

    /**
     * @param allow   the methods the path allows, e.g. {@code "GET, POST, DELETE"}
     * @param message what is wrong
     * @return 405 with the gateway's JSON-RPC error code, answered with an {@code Allow} header
     */
    public static McpException methodNotAllowed(String allow, String message) {
        return new McpException(Status.METHOD_NOT_ALLOWED_405, JsonRpc.GATEWAY_ERROR, message, allow);
    }

    /** @return the {@code Allow} header a 405 is answered with, or empty */
    public java.util.Optional<String> allow() {
        return java.util.Optional.ofNullable(allow);
    }

    /** @return HTTP status */
    public Status status() {
        return status;
    }

    /** @return JSON-RPC error code */
    public int code() {
        return code;
    }
}
