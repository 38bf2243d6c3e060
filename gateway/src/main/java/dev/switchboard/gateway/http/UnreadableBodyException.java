package dev.switchboard.gateway.http;

import io.helidon.http.Status;

/**
 * A request body on the admin listener whose framing could not be read (a chunk size that is no number, a body
 * that ends early): 400 {@code BAD_REQUEST}, and the connection closes with the answer ({@link ErrorHandling}).
 * Where the body ends is unknown, so whatever follows on the connection cannot be read as a request of its own:
 * serving it would let a second request hide in what a proxy in front took for a body.
 */
public final class UnreadableBodyException extends ApiException {
    private static final long serialVersionUID = 1L;

    /** The body's framing could not be read. */
    public UnreadableBodyException() {
        super(Status.BAD_REQUEST_400, "BAD_REQUEST", "the request body's framing could not be read");
    }
}
