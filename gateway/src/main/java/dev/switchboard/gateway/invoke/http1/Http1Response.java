package dev.switchboard.gateway.invoke.http1;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/** An answer's head, and its body as it arrives; close it when done (before the end: the connection is closed). */
public final class Http1Response implements AutoCloseable {
    private final ResponseHead head;
    private final long length;
    private final ResponseBody body;

    /**
     * @param head   the answer's head
     * @param length its body's framing, {@link ResponseHead#bodyLength}
     * @param body   its body
     */
    Http1Response(ResponseHead head, long length, ResponseBody body) {
        this.head = head;
        this.length = length;
        this.body = body;
    }

    /** @return the status code */
    public int status() {
        return head.status();
    }

    /**
     * @param name a header name, in any case
     * @return its first value
     */
    public Optional<String> header(String name) {
        return head.first(name);
    }

    /**
     * @return the body's length when the answer is framed by one (none for chunks or a body that runs to the close),
     *     as the head was read: the {@code Content-Length} is parsed once
     */
    public OptionalLong length() {
        return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
    }

    /** @return the body, read as it arrives; at its end the connection returns to the pool */
    public InputStream body() {
        return body;
    }

    /** Ends the exchange; safe from any thread and more than once. */
    @Override
    public void close() {
        body.close();
    }
}
