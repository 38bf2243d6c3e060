package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.BoundedBody;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

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
            Optional<String> coding = headers.first(HeaderNames.TRANSFER_ENCODING);
            if (coding.isPresent()) {
                return coding.get().strip().equalsIgnoreCase("chunked") && !headers.contains(HeaderNames.CONTENT_LENGTH)
                        ? CHUNKED
                        : refused("only the chunked transfer coding, without Content-Length, is accepted");
            }
            if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
                return NONE;
            }
            OptionalLong length = BoundedBody.declaredLength(headers.first(HeaderNames.CONTENT_LENGTH));
            return length.isEmpty() || length.getAsLong() < 0
                    ? refused("malformed Content-Length")
                    : new Framing(false, length.getAsLong(), null);
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
            String line = line(in);
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw unreadable("malformed chunk size");
            }
            if (size < 0) {
                throw unreadable("malformed chunk size");
            }
            if (size == 0) {
                // trailers, up to the empty line
                while (!line(in).isEmpty()) {
                    // ignored
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

    /** @return one line ended by CRLF, without it */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw unreadable("request body ended inside its chunk framing");
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
