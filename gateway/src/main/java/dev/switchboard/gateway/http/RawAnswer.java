package dev.switchboard.gateway.http;

import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole HTTP/1.1 answer as bytes, for a socket no HTTP server owns yet (the event loops, or a
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
        int bodyLength = body == null ? -1 : body.length;
        // sized for a usual head and the body: one array holds both
        return head(status, headers, bodyLength, last, 256 + Math.max(0, bodyLength))
                .toArray(body);
    }

    /**
     * @param status     the status
     * @param headers    the headers
     * @param bodyLength the body's length, or -1 for none (a 204: no {@code Content-Length})
     * @param last       whether the connection ends after it ({@code Connection: close})
     * @param capacity   bytes to make room for (the head's, and the body's when it is to follow in the same array)
     * @return the head, its blank line included
     */
    public static AsciiBytes head(
            Status status, Map<String, String> headers, long bodyLength, boolean last, int capacity) {
        AsciiBytes head = new AsciiBytes(capacity)
                .append("HTTP/1.1 ")
                .append(status.code())
                .append(' ')
                .append(status.reasonPhrase())
                .crlf();
        headers.forEach(head::header);
        if (bodyLength >= 0) {
            head.append("Content-Length: ").append(bodyLength).crlf();
        }
        if (last) {
            head.append("Connection: close\r\n");
        }
        return head.crlf();
    }

    /**
     * @param answer a whole answer: head, then body
     * @return the length of its head, up to and including the blank line (all of it when there is none)
     */
    public static int headLength(byte[] answer) {
        for (int i = 0; i + 3 < answer.length; i++) {
            if (answer[i] == '\r' && answer[i + 1] == '\n' && answer[i + 2] == '\r' && answer[i + 3] == '\n') {
                return i + 4;
            }
        }
        return answer.length;
    }
}
