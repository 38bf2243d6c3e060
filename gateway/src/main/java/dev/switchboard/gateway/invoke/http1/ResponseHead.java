package dev.switchboard.gateway.invoke.http1;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The status line and headers of a function's answer, read within bounds: a function cannot make the
 * gateway hold an endless head. Each header line is kept as received, one string with where its name ends:
 * values are cut out only for the few names the client looks up, not for every line of every answer.
 */
final class ResponseHead {
    /** The longest head accepted (status line and headers together). */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The most header lines accepted. */
    static final int MAX_HEADERS = 256;
    /** Interim (1xx) answers skipped before the final one, at most. */
    private static final int MAX_INTERIM = 16;

    private static final String HTTP_11 = "HTTP/1.1";
    private static final String HTTP_10 = "HTTP/1.0";

    private final String version;
    private final int status;
    /** Header lines without their CRLF, in the order received. */
    private final String[] lines;
    /** The index of each line's colon: its name is the text before it. */
    private final int[] colons;
    /** Lines held (the arrays may be longer). */
    private final int count;

    private ResponseHead(String version, int status, String[] lines, int[] colons, int count) {
        this.version = version;
        this.status = status;
        this.lines = lines;
        this.colons = colons;
        this.count = count;
    }

    /**
     * Reads the next final answer's head, skipping interim ({@code 1xx}) ones.
     *
     * @param connection where from
     * @return the head
     * @throws IOException when the answer is not HTTP/1.x, exceeds the bounds, or the connection ends
     */
    static ResponseHead read(Http1Connection connection) throws IOException {
        for (int interim = 0; ; interim++) {
            ResponseHead head = readOne(connection);
            if (head.status >= 200 || head.status == 101 || interim >= MAX_INTERIM) {
                return head;
            }
        }
    }

    private static ResponseHead readOne(Http1Connection connection) throws IOException {
        String statusLine = connection.readLine(MAX_HEAD_BYTES);
        // "HTTP/1.1 200 OK": the version, a space, three digits, then an optional reason
        if (statusLine.length() < 12
                || !statusLine.startsWith("HTTP/1.")
                || statusLine.charAt(8) != ' '
                || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new IOException("the function's answer is not HTTP/1.x: " + printable(statusLine));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("the function's answer has no status code: " + printable(statusLine));
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new IOException("the function's answer has an invalid status code: " + status);
        }
        int budget = MAX_HEAD_BYTES - statusLine.length();
        String[] lines = new String[12];
        int[] colons = new int[12];
        int count = 0;
        while (true) {
            String line = connection.readLine(Math.max(0, budget));
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if (budget < 0 || count >= MAX_HEADERS) {
                throw new IOException("the function's answer has a head larger than " + MAX_HEAD_BYTES
                        + " bytes or more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                // obsolete line folding or no name: refused, as RFC 9112 lets a client do
                throw new IOException("the function's answer has a malformed header line");
            }
            if (count == lines.length) {
                lines = Arrays.copyOf(lines, count * 2);
                colons = Arrays.copyOf(colons, count * 2);
            }
            lines[count] = line;
            colons[count++] = colon;
        }
        return new ResponseHead(version(statusLine), status, lines, colons, count);
    }

    private static String version(String statusLine) {
        return switch (statusLine.charAt(7)) {
            case '1' -> HTTP_11;
            case '0' -> HTTP_10;
            default -> statusLine.substring(0, 8);
        };
    }

    /** @return the status code */
    int status() {
        return status;
    }

    /** @return whether header line {@code i} is named {@code name} (in any case) */
    private boolean named(int i, String name) {
        return colons[i] == name.length() && lines[i].regionMatches(true, 0, name, 0, name.length());
    }

    /** @return header line {@code i}'s value, without the spaces around it */
    private String value(int i) {
        return lines[i].substring(colons[i] + 1).strip();
    }

    private static String printable(String line) {
        String cut = line.length() > 64 ? line.substring(0, 64) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * @param name a header name, in any case
     * @return its first value
     */
    Optional<String> first(String name) {
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                return Optional.of(value(i));
            }
        }
        return Optional.empty();
    }

    /**
     * @param name  a header whose value is a comma-separated list ({@code Connection}, {@code Transfer-Encoding})
     * @param token a token, in any case
     * @return whether any of its values holds the token
     */
    boolean hasToken(String name, String token) {
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                for (String part : value(i).split(",")) {
                    if (part.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * How the body ends, per RFC 9112 section 6.3.
     *
     * @param method the request's method
     * @return the body's length, {@link #CHUNKED}, or {@link #TO_CLOSE}
     * @throws IOException when the framing headers contradict each other or are malformed
     */
    long bodyLength(String method) throws IOException {
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return 0;
        }
        String transferCoding = null;
        long length = -1;
        for (int i = 0; i < count; i++) {
            if (named(i, "Transfer-Encoding")) {
                transferCoding = value(i);
            } else if (named(i, "Content-Length")) {
                long value = contentLength(value(i));
                if (length >= 0 && value != length) {
                    throw new IOException("the function's answer has conflicting Content-Length headers");
                }
                length = value;
            }
        }
        if (transferCoding != null) {
            String[] codings = transferCoding.split(",");
            // chunked must be the last coding; anything else is delimited by the end of the connection
            return codings[codings.length - 1].strip().toLowerCase(Locale.ROOT).equals("chunked") ? CHUNKED : TO_CLOSE;
        }
        return length >= 0 ? length : TO_CLOSE;
    }

    private static long contentLength(String value) throws IOException {
        String text = value.strip();
        if (text.isEmpty() || text.length() > 18) {
            throw new IOException("the function's answer has an invalid Content-Length");
        }
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("the function's answer has an invalid Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** @return whether the connection may carry another request after this answer */
    boolean keepsAlive() {
        if (version.equals("HTTP/1.0")) {
            return hasToken("Connection", "keep-alive");
        }
        return !hasToken("Connection", "close");
    }

    /** {@link #bodyLength}: the body is in chunks. */
    static final long CHUNKED = -1;
    /** {@link #bodyLength}: the body runs until the server closes the connection. */
    static final long TO_CLOSE = -2;
}
