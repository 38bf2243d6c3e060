package dev.switchboard.gateway.mcp;

import io.helidon.http.Status;

/** A refused MCP request: an HTTP status and a JSON-RPC error body (without an id unless known). */
public class McpException extends RuntimeException {
    private final Status status;
    private final int code;

    /**
     * @param status  HTTP status
     * @param code    JSON-RPC error code
     * @param message what is wrong
     */
    public McpException(Status status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
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
