package dev.switchboard.gateway.stream;

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
 * The request line and headers of one HTTP/1.1 request, as the event loops read them: bounded in
 * size, strict about the few things it needs (method, path, query, headers), and blind to any body.
 *
 * @param method  the method, as sent
 * @param path    the path, percent-decoded
 * @param query   query parameters (every value of each, in order), decoded
 * @param headers the headers
 */
record RequestHead(String method, String path, Map<String, List<String>> query, WritableHeaders<?> headers) {
    /** Largest request head read; larger is refused with 431. */
    static final int MAX_HEAD = 16 * 1024;

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
        skipEmptyLines(buffer);
        int end = endOfHead(buffer);
        if (end < 0) {
            return null;
        }
        String text;
        if (buffer.hasArray()) {
            text = new String(
                    buffer.array(), buffer.arrayOffset() + buffer.position(), end, StandardCharsets.ISO_8859_1);
        } else {
            byte[] bytes = new byte[end];
            buffer.get(buffer.position(), bytes);
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        buffer.position(buffer.position() + end);
        // scanned by index, not split by regular expressions: on a kept-alive MCP connection every request's head is
        // parsed here, and the expressions cost a seventh of the exchange's CPU (bench/notes.md)
        int lineEnd = text.indexOf("\r\n");
        int sp1 = text.indexOf(' ');
        int sp2 = sp1 < 0 || sp1 > lineEnd ? -1 : text.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || text.lastIndexOf(' ', lineEnd) != sp2) {
            throw new MalformedException("not an HTTP/1.x request line");
        }
        String method = text.substring(0, sp1);
        String target = text.substring(sp1 + 1, sp2);
        // the version is matched in place: most requests' heads make no string of it
        if (!text.startsWith("HTTP/1.", sp2 + 1)) {
            throw new MalformedException("not an HTTP/1.x request line");
        }
        if (!target.startsWith("/")) {
            target = originForm(target);
        }
        if (!isToken(text, 0, sp1)) {
            throw new MalformedException("malformed method");
        }
        // as the Helidon listeners answer them: one HTTP version on every listener
        if (isVersion(text, sp2 + 1, lineEnd, "HTTP/1.0")) {
            throw new MalformedException(Status.HTTP_VERSION_NOT_SUPPORTED_505, "only HTTP/1.1 is served");
        }
        if (!isVersion(text, sp2 + 1, lineEnd, "HTTP/1.1")) {
            throw new MalformedException("not an HTTP/1.1 request line");
        }
        WritableHeaders<?> headers = WritableHeaders.create();
        int hosts = 0;
        // header lines up to the blank line that ends the head (its last two bytes)
        for (int line = lineEnd + 2; line < text.length() - 2; ) {
            int next = text.indexOf("\r\n", line);
            int colon = text.indexOf(':', line);
            if (colon <= line || colon > next) {
                throw new MalformedException("malformed header line");
            }
            if (!isToken(text, line, colon)) {
                // RFC 9110 field names are tokens: no spaces before the colon (a request-smuggling vector)
                throw new MalformedException("malformed header name");
            }
            // the value without the optional whitespace around it (spaces and tabs only: RFC 9110 section 5.6.3),
            // cut once; a control character in it (a bare CR, a NUL) is refused, as RFC 9112 section 2.2 allows,
            // rather than read differently from a proxy in front
            int from = colon + 1;
            int to = next;
            while (from < to && isBlank(text.charAt(from))) {
                from++;
            }
            while (to > from && isBlank(text.charAt(to - 1))) {
                to--;
            }
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new MalformedException("control character in a header value");
                }
            }
            if (colon - line == 4 && text.regionMatches(true, line, "host", 0, 4)) {
                hosts++;
                if (!isAuthority(text, from, to)) {
                    throw new MalformedException("malformed Host");
                }
            }
            try {
                headers.add(SeenHeaderNames.SHARED.name(text, line, colon), text.substring(from, to));
            } catch (IllegalArgumentException e) {
                throw new MalformedException("malformed header");
            }
            line = next + 2;
        }
        // RFC 9112 section 3.2: one Host, or 400 (two that differ are two requests to a proxy in front)
        if (hosts != 1) {
            throw new MalformedException(hosts == 0 ? "missing Host" : "more than one Host");
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        Map<String, List<String>> query = q < 0 ? Map.of() : query(target.substring(q + 1));
        return new RequestHead(method, decode(rawPath, false), query, headers);
    }

    /**
     * Empty lines before a request line are skipped, as RFC 9112 section 2.2 asks (some clients end a body with an
     * extra CRLF).
     */
    private static void skipEmptyLines(ByteBuffer buffer) {
        int at = buffer.position();
        while (buffer.limit() - at >= 2 && buffer.get(at) == '\r' && buffer.get(at + 1) == '\n') {
            at += 2;
        }
        buffer.position(at);
    }

    /**
     * The path and query of an absolute-form target ({@code http://host/path?query}), which RFC 9112 section 3.2.2
     * says a server must accept; the authority in it is not used (no route depends on the host).
     */
    private static String originForm(String target) {
        int scheme = target.regionMatches(true, 0, "http://", 0, 7)
                ? 7
                : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (scheme < 0) {
            throw new MalformedException("not an HTTP/1.x request line");
        }
        int end = scheme;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        if (end == scheme || !isAuthority(target, scheme, end)) {
            throw new MalformedException("malformed authority in an absolute-form target");
        }
        return end == target.length() || target.charAt(end) == '?'
                ? "/" + target.substring(end)
                : target.substring(end);
    }

    /** Characters of a URI's host and port (RFC 3986: unreserved, sub-delims, percent-encoding, IP literals). */
    private static final boolean[] AUTHORITY_CHARS = alphanumericAnd("-._~!$&'()*+,;=%:[]");

    /** @return whether {@code text[from, to)} is a host and optional port (possibly empty), without user info */
    private static boolean isAuthority(String text, int from, int to) {
        return allIn(AUTHORITY_CHARS, text, from, to);
    }

    /** @return whether {@code c} is optional whitespace around a header value */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** @return whether {@code text[from, to)} is {@code version} */
    private static boolean isVersion(String text, int from, int to, String version) {
        return to - from == version.length() && text.startsWith(version, from);
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1), true));
        }
        return query;
    }

    /** RFC 9110 token characters, by code. */
    private static final boolean[] TOKEN_CHARS = alphanumericAnd("!#$%&'*+.^_`|~-");

    /** @return whether {@code text[from, to)} is a non-empty token */
    private static boolean isToken(String text, int from, int to) {
        return from < to && allIn(TOKEN_CHARS, text, from, to);
    }

    /** @return a table, by code, of US-ASCII letters and digits and the {@code others} */
    private static boolean[] alphanumericAnd(String others) {
        boolean[] table = new boolean[128];
        for (char c : others.toCharArray()) {
            table[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            table[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            table[c] = true;
            table[Character.toUpperCase(c)] = true;
        }
        return table;
    }

    /** @return whether every character of {@code text[from, to)} is in the table */
    private static boolean allIn(boolean[] table, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 128 || !table[c]) {
                return false;
            }
        }
        return true;
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
        if (raw.indexOf('%') < 0 && (!form || raw.indexOf('+') < 0)) {
            return raw; // nothing encoded: most paths
        }
        try {
            // a path keeps '+'; a query turns it into a space, as forms do
            return URLDecoder.decode(form ? raw : raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedException("malformed percent-encoding");
        }
    }
}
