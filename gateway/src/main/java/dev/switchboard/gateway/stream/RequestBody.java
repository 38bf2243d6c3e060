package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A request body as the event loops read it from a blocking socket, framed as the public listener accepts
 * it: by {@code Content-Length}, or by chunked transfer coding; a request with neither has no body. The body is
 * bounded: a declared length over the limit is refused before a byte is read, a chunked body once it passes
 * the limit (413 {@code PAYLOAD_TOO_LARGE}, as {@link Json#readBody}); anything the framing does not allow is
 * 400 {@code INVALID_REQUEST}.
 */
final class RequestBody {
    /** Longest chunk-size line (with extensions) accepted. */
    private static final int MAX_CHUNK_LINE = 1024;

    private RequestBody() {}

    /**
     * How a request says its body is framed, read once from its head: by a length, by chunks, not at all, or in a
     * way that is refused ({@link #check}). A malformed framing counts as a body: the connection is not trusted to
     * be at a request's start after it.
     *
     * @param chunked whether the body is chunked
     * @param length  the declared length when framed by one; -1 otherwise
     * @param refusal why the framing cannot be read, or null
     */
    record Framing(boolean chunked, long length, String refusal) {
        private static final Framing NONE = new Framing(false, -1, null);
        private static final Framing CHUNKED = new Framing(true, -1, null);

        /**
         * @param headers a request's headers
         * @return their framing
         */
        static Framing of(Headers headers) {
            // most requests: one Content-Length line of digits, or nothing; read without lists or streams (the
            // general path below cost /invoke 0.4 KB and ~3% of its CPU per call, bench/notes.md)
            if (!headers.contains(HeaderNames.TRANSFER_ENCODING) && !headers.contains(HeaderNames.CONTENT_ENCODING)) {
                if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
                    return NONE;
                }
                Header length = headers.get(HeaderNames.CONTENT_LENGTH);
                long digits = length.valueCount() == 1 ? digits(length.value()) : -1;
                if (digits >= 0) {
                    return new Framing(false, digits, null);
                }
            }
            return ofEveryLine(headers);
        }

        /**
         * @return the value read as a length when it is digits and nothing else (more than 18 of them: {@link
         *     Long#MAX_VALUE}, over any limit), else -1
         */
        private static long digits(String value) {
            int n = value.length();
            if (n == 0) {
                return -1;
            }
            long length = 0;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                length = i < 18 ? length * 10 + (c - '0') : Long.MAX_VALUE;
            }
            return length;
        }

        private static Framing ofEveryLine(Headers headers) {
            // every line of a field counts: reading only the first of two lengths let a second request hide in the
            // body (RFC 9112 section 6.3)
            List<String> codings = listed(headers, HeaderNames.TRANSFER_ENCODING);
            List<String> lengths = listed(headers, HeaderNames.CONTENT_LENGTH);
            List<String> encodings = listed(headers, HeaderNames.CONTENT_ENCODING);
            if (!encodings.stream().allMatch(e -> e.equalsIgnoreCase("identity"))) {
                return refused("unsupported Content-Encoding: the body is read as sent, without one");
            }
            if (!codings.isEmpty()) {
                return codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked") && lengths.isEmpty()
                        ? CHUNKED
                        : refused("only the chunked transfer coding, without Content-Length, is accepted");
            }
            if (lengths.isEmpty()) {
                return NONE;
            }
            long length = -1;
            for (String value : lengths) {
                long one = digits(value);
                if (one < 0) {
                    return refused("malformed Content-Length");
                }
                if (length >= 0 && one != length) {
                    return refused("conflicting Content-Length values");
                }
                length = one;
            }
            return new Framing(false, length, null);
        }

        /** @return the field's values over all its lines, each line's comma-separated list split, stripped */
        private static List<String> listed(Headers headers, HeaderName name) {
            Optional<Header> header = headers.find(name);
            if (header.isEmpty()) {
                return List.of();
            }
            List<String> values = new ArrayList<>(1);
            for (String line : header.get().allValues()) {
                for (String value : line.split(",", -1)) {
                    values.add(value.strip()); // the head's parse refused control characters: only blanks are left
                }
            }
            return values;
        }

        private static Framing refused(String why) {
            return new Framing(false, -1, why);
        }

        /**
         * @return the 400 of a framing that cannot be read, answered before the request is routed (RFC 9112
         *         section 6.3: the body's end is unknown, so the connection cannot carry another request either)
         */
        Optional<ApiException> refusalError() {
            return refusal == null ? Optional.empty() : Optional.of(unframed(refusal));
        }

        /** @return whether body bytes follow the head (a refused framing counts as a body) */
        boolean hasBody() {
            return chunked || refusal != null || length > 0;
        }

        /**
         * Checks the framing before anything is read, so that a refusal can be sent before the client sends its
         * body.
         *
         * @throws ApiException 413 for a declared length over the limit, 400 for framing it cannot read
         */
        void check(long maxSize) {
            if (refusal != null) {
                throw unframed(refusal);
            }
            if (length > maxSize) {
                throw Json.tooLarge(maxSize);
            }
        }
    }

    /**
     * @param framing the request's framing, {@link Framing#check checked}
     * @param in      the bytes after the head
     * @param maxSize largest body accepted
     * @return the body, empty when there is none
     * @throws ApiException 413 for a chunked body over the limit; 400 when the body ends early, its framing is
     *                      broken, or reading fails (a time-out included)
     */
    static byte[] read(Framing framing, InputStream in, long maxSize) {
        try {
            if (framing.chunked()) {
                return chunked(in, maxSize);
            }
            if (framing.length() <= 0) {
                return new byte[0];
            }
            byte[] body = in.readNBytes((int) framing.length());
            if (body.length < framing.length()) {
                throw unreadable("request body ended before its Content-Length");
            }
            return body;
        } catch (IOException e) {
            throw unreadable("request body could not be read");
        }
    }

    private static byte[] chunked(InputStream in, long maxSize) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            long size = chunkSize(line(in));
            if (size == 0) {
                // trailers, up to the empty line: read past, never used, but each a field line
                for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                    if (trailer.indexOf(':') <= 0) {
                        throw unreadable("malformed trailer line");
                    }
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxSize) {
                throw Json.tooLarge(maxSize);
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw unreadable("request body ended inside a chunk");
            }
            body.writeBytes(chunk);
            if (!line(in).isEmpty()) {
                throw unreadable("chunk not followed by CRLF");
            }
        }
    }

    /** Most hex digits of a chunk size: 15 keep it below 2^60, far past any body limit, and a long never wraps. */
    private static final int MAX_CHUNK_SIZE_DIGITS = 15;

    /**
     * @param line a chunk's size line: {@code 1*HEXDIG}, then optional extensions after {@code ;} (RFC 9112
     *             section 7.1), ignored; nothing else (no sign, no space before the size) is read as a size, so
     *             that no proxy in front reads a different one
     * @return the size
     */
    private static long chunkSize(String line) {
        int end = 0;
        while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
            end++;
        }
        if (end == 0 || end > MAX_CHUNK_SIZE_DIGITS) {
            throw unreadable("malformed chunk size");
        }
        int rest = end;
        while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
            rest++;
        }
        // blanks only before an extension's ';' (RFC 9112's BWS): "d " is no chunk size a proxy must read as ours
        if (rest < line.length() ? line.charAt(rest) != ';' : rest > end) {
            throw unreadable("malformed chunk size");
        }
        return Long.parseLong(line, 0, end, 16);
    }

    /** @return one line ended by CRLF, without it; a bare CR or LF in it is refused */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw unreadable("request body ended inside its chunk framing");
            }
            if (b == '\n') {
                throw unreadable("chunk line not ended by CRLF");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw unreadable("chunk line not ended by CRLF");
                }
                return line.toString();
            }
            if (line.length() >= MAX_CHUNK_LINE) {
                throw unreadable("chunk line too long");
            }
            line.append((char) b);
        }
    }

    /**
     * A socket's input that ends in a time-out at a deadline, however the bytes trickle in: each read waits at most
     * what is left ({@code SO_TIMEOUT}), so one read's time-out no longer bounds only the gap between two bytes.
     *
     * @param in       the socket's bytes (possibly after some already read)
     * @param socket   the socket, blocking, whose read time-out is set before each read
     * @param deadline {@link System#nanoTime} after which reading fails
     * @return the bounded input
     */
    static InputStream until(InputStream in, java.net.Socket socket, long deadline) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                waitAtMostWhatIsLeft();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                waitAtMostWhatIsLeft();
                return super.read(b, off, len);
            }

            private void waitAtMostWhatIsLeft() throws IOException {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new java.net.SocketTimeoutException("request body not received in time");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            }
        };
    }

    /** @return whether the client waits for {@code 100 Continue} before sending its body */
    static boolean expectsContinue(Headers headers) {
        return headers.first(HeaderNames.EXPECT)
                .map(v -> v.strip().toLowerCase(Locale.ROOT).equals("100-continue"))
                .orElse(false);
    }

    /** The interim answer to {@code Expect: 100-continue}. */
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** A head whose body framing cannot be read: a transport-level refusal, as documented for every listener. */
    private static ApiException unframed(String message) {
        return new ApiException(Status.BAD_REQUEST_400, "BAD_REQUEST", message);
    }

    private static ApiException unreadable(String message) {
        return new ApiException(Status.BAD_REQUEST_400, "INVALID_REQUEST", message);
    }
}
