package dev.switchboard.gateway.http;

import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole HTTP/1.1 answer as bytes, for a socket no HTTP server owns yet (the stream listener, or a
 * connection refused at accept). It ends the connection ({@code Connection: close}) unless written as one
 * answer of several on a kept-alive connection.
 */
public final class RawAnswer {
    /** Cache directives of every error answer written this way. */
    public static final String CACHE_CONTROL = "no-cache, no-store, must-revalidate, no-transform";

    private RawAnswer() {}

    /**
     * @param error   the documented error
     * @param headers further headers ({@code Retry-After}, {@code Allow}, ...)
     * @return status line, headers and the JSON error body
     */
    public static byte[] error(ApiException error, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("Cache-Control", CACHE_CONTROL);
        all.putAll(headers);
        return of(error.status(), all, Json.write(Json.errorBody(error)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param status  the status
     * @param headers the headers
     * @param body    the body, or null for none (a 204)
     * @return the answer's bytes
     */
    public static byte[] of(Status status, Map<String, String> headers, byte[] body) {
        return of(status, headers, body, true);
    }

    /**
     * @param status  the status
     * @param headers the headers
     * @param body    the body, or null for none (a 204)
     * @param last    whether the connection ends after it ({@code Connection: close}); else it carries the next request
     * @return the answer's bytes
     */
    public static byte[] of(Status status, Map<String, String> headers, byte[] body, boolean last) {
        // sized for a usual head, so that writing one does not grow the buffer
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ")
                .append(status.code())
                .append(' ')
                .append(status.reasonPhrase())
                .append("\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (last) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] bodyBytes = body == null ? new byte[0] : body;
        byte[] all = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
        return all;
    }
}
