package dev.switchboard.gateway.auth;

import io.helidon.http.Status;

/**
 * A request the gateway will not let through, and why: an HTTP status, the error code of the JSON
 * answer, and the RFC 6750 {@code error} for the {@code WWW-Authenticate} challenge (null when the request
 * carried no credentials, which RFC 6750 answers without one). Messages never quote a credential.
 */
public final class AuthException extends RuntimeException {
    private final Status status;
    private final String code;
    private final String bearerError;

    /**
     * @param status      HTTP status (401, 403 or 503)
     * @param code        error code of the JSON answer
     * @param bearerError RFC 6750 error code, or null
     * @param message     what went wrong, for the client
     */
    public AuthException(Status status, String code, String bearerError, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.bearerError = bearerError;
    }

    /** @return the HTTP status */
    public Status status() {
        return status;
    }

    /** @return the error code of the JSON answer */
    public String code() {
        return code;
    }

    /** @return the RFC 6750 error, or null */
    public String bearerError() {
        return bearerError;
    }

    /**
     * @param message what is wrong with the credentials
     * @return a 401 {@code INVALID_CREDENTIALS} with {@code error="invalid_token"}
     */
    static AuthException invalid(String message) {
        return new AuthException(Status.UNAUTHORIZED_401, "INVALID_CREDENTIALS", "invalid_token", message);
    }
}
