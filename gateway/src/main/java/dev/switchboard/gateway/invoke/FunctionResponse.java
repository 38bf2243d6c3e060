package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.http.BoundedBody;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A function's answer as {@link FunctionEngine#send} hands it over: its head, and its body as a stream that
 * the caller reads within its own bounds. Callers never see the HTTP client behind the engine, so the
 * client can be changed in one class.
 */
public interface FunctionResponse extends AutoCloseable {
    /** @return the HTTP status code */
    int status();

    /**
     * @param name a header name, in any case
     * @return its first value
     */
    Optional<String> header(String name);

    /**
     * @return the body's length when the answer declares one ({@code Content-Length}); none for a body framed
     *     otherwise or an unreadable length
     */
    default OptionalLong length() {
        return BoundedBody.declaredLength(header("Content-Length"));
    }

    /** @return the body, read as it arrives; closing the response ends it */
    InputStream body();

    /** Ends the exchange; the connection goes back to the pool when the body was read to its end. */
    @Override
    void close();
}
