package dev.switchboard.gateway.invoke.http1;

import java.net.URI;
import java.time.Duration;

/**
 * One request as {@link Http1Client#send} writes it.
 *
 * @param method      the method
 * @param uri         an {@code http} or {@code https} URI
 * @param headers     headers besides {@code Host} and {@code Content-Length}, which the client writes
 * @param body        the body (sent with {@code Content-Length}), or null
 * @param readTimeout bound of one read of the socket, and of connecting
 * @param control     the call's deadline, idle action and abort, or null (the read timeout alone bounds it)
 */
public record Http1Request(
        String method, URI uri, RequestHeaders headers, byte[] body, Duration readTimeout, CallControl control) {
    /** A request bounded by its read timeout alone. */
    public Http1Request(String method, URI uri, RequestHeaders headers, byte[] body, Duration readTimeout) {
        this(method, uri, headers, body, readTimeout, null);
    }
}
