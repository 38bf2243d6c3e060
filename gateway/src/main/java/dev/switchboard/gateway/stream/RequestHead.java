package dev.switchboard.gateway.stream;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request line and headers of one HTTP/1.1 request, as the stream listener reads them: bounded in
 * size, strict about the few things it needs (method, path, query, headers), and blind to any body.
 *
 * @param method  the method, as sent
 * @param path    the path, percent-decoded
 * @param query   query parameters (every value of each, in order), decoded
 * @param headers the headers
 */
record RequestHead(String method, String path, Map<String, List<String>> query, WritableHeaders<?> headers) {
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Largest request head read; larger is refused with 431. */
    static final int MAX_HEAD = 8 * 1024;

    /**
     * A head's buffer once it is full and the head is not yet whole: heads start small (most are a few hundred
     * bytes) and grow fourfold up to {@link #MAX_HEAD}.
     *
     * @param full the buffer, in write mode with nothing remaining
     * @return a larger buffer holding its bytes, in write mode; null when it is {@link #MAX_HEAD} already
     */
    static ByteBuffer grown(ByteBuffer full) {
        if (full.capacity() >= MAX_HEAD) {
            return null;
        }
        ByteBuffer larger = ByteBuffer.allocate(Math.min(MAX_HEAD, full.capacity() * 4));
        full.flip();
        return larger.put(full);
    }

    /** A malformed request head. */
    static final class MalformedException extends RuntimeException {
        private final Status status;

        MalformedException(String message) {
            this(Status.BAD_REQUEST_400, message);
        }

        MalformedException(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** @return the status to refuse it with */
        Status status() {
            return status;
        }
    }

    /**
     * @param buffer the bytes read so far, in read mode; when the head is whole, its position moves past it (what
     *               remains is the start of a body)
     * @return the head when the buffer holds it whole, null when more bytes are needed
     * @throws MalformedException when the bytes cannot be an HTTP/1.x request
     */
    static RequestHead parse(ByteBuffer buffer) {
        int end = endOfHead(buffer);
        if (end < 0) {
            return null;
        }
        byte[] bytes = new byte[end];
        buffer.get(buffer.position(), bytes);
        buffer.position(buffer.position() + end);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3
                || !requestLine[2].startsWith("HTTP/1.")
                || requestLine[0].isEmpty()
                || !requestLine[1].startsWith("/")) {
            throw new MalformedException("not an HTTP/1.x request line");
        }
        if (!TOKEN.matcher(requestLine[0]).matches()) {
            throw new MalformedException("malformed method");
        }
        // as the Helidon listeners answer them: one HTTP version on every listener
        if (requestLine[2].equals("HTTP/1.0")) {
            throw new MalformedException(Status.HTTP_VERSION_NOT_SUPPORTED_505, "only HTTP/1.1 is served");
        }
        if (!requestLine[2].equals("HTTP/1.1")) {
            throw new MalformedException("not an HTTP/1.1 request line");
        }
        WritableHeaders<?> headers = WritableHeaders.create();
        // the head ends with an empty line, which split leaves as the last two entries
        for (int i = 1; i < lines.length - 2; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedException("malformed header line");
            }
            String name = line.substring(0, colon);
            if (!TOKEN.matcher(name).matches()) {
                // RFC 9110 field names are tokens: no spaces before the colon (a request-smuggling vector)
                throw new MalformedException("malformed header name");
            }
            try {
                headers.add(HeaderNames.create(name), line.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new MalformedException("malformed header");
            }
        }
        String target = requestLine[1];
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : target.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                query.computeIfAbsent(name, n -> new ArrayList<>())
                        .add(eq < 0 ? "" : decode(pair.substring(eq + 1), true));
            }
        }
        return new RequestHead(requestLine[0], decode(rawPath, false), query, headers);
    }

    /** @return the length of the head up to and including its blank line, or -1 */
    private static int endOfHead(ByteBuffer buffer) {
        for (int i = buffer.position(); i + 3 < buffer.limit(); i++) {
            if (buffer.get(i + 1) == '\n' && buffer.get(i) != '\r') {
                // a bare LF: refused now, as Helidon does, rather than waiting for a CRLF that never comes
                throw new MalformedException("line not ended by CRLF");
            }
            if (buffer.get(i) == '\r'
                    && buffer.get(i + 1) == '\n'
                    && buffer.get(i + 2) == '\r'
                    && buffer.get(i + 3) == '\n') {
                return i + 4 - buffer.position();
            }
        }
        return -1;
    }

    private static String decode(String raw, boolean form) {
        try {
            // a path keeps '+'; a query turns it into a space, as forms do
            return URLDecoder.decode(form ? raw : raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedException("malformed percent-encoding");
        }
    }
}
