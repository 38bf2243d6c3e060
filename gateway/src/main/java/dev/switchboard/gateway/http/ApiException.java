package dev.switchboard.gateway.http;

import io.helidon.http.Status;
import java.util.Map;

/**
 * A request refused with a documented error: an HTTP status and a JSON body
 * {@code {"success": false, "error": <message>, "code": <code>, ...details}}.
 */
public class ApiException extends RuntimeException {
    private final Status status;
    private final String code;
    private final Map<String, Object> details;

    /**
     * @param status  HTTP status
     * @param code    stable error code (documented in docs/API.md)
     * @param message human-readable message
     */
    public ApiException(Status status, String code, String message) {
        this(status, code, message, Map.of());
    }

    /**
     * @param status  HTTP status
     * @param code    stable error code
     * @param message human-readable message
     * @param details extra JSON fields (e.g. {@code field})
     */
    public ApiException(Status status, String code, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    /** @return HTTP status */
    public Status status() {
        return status;
    }

    /** @return error code */
    public String code() {
        return code;
    }

    /** @return extra fields */
    public Map<String, Object> details() {
        return details;
    }
}
