package dev.switchboard.gateway.invoke.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A function's answer body as it arrives, framed by {@code Content-Length}, chunked coding or the end of
 * the connection. Once the body has been read to its end, the connection goes back to the pool at once
 * (when the answer lets it be kept alive); closing the body before its end closes the connection, from
 * any thread, which also ends a read blocked on it. Bounds of how much is read are the caller's.
 */
final class ResponseBody extends InputStream {
    /** The longest chunk-size line accepted (with its extensions). */
    private static final int MAX_CHUNK_LINE = 1024;
    /** The most trailer lines accepted after the last chunk. */
    private static final int MAX_TRAILERS = 64;

    private final Http1Connection connection;
    private final Consumer<Http1Connection> release;
    private final boolean keepAlive;
    private final boolean chunked;
    private final boolean toClose;
    /** Bytes left of the body (length framing) or of the current chunk; -1 before the first chunk. */
    private long remaining;

    private boolean ended;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final byte[] one = new byte[1];

    /**
     * @param connection the connection the answer arrives on
     * @param length     {@link ResponseHead#bodyLength}
     * @param keepAlive  whether the answer lets the connection carry another request
     * @param release    takes the connection back once the body was read to its end
     */
    ResponseBody(Http1Connection connection, long length, boolean keepAlive, Consumer<Http1Connection> release) {
        this.connection = connection;
        this.release = release;
        this.chunked = length == ResponseHead.CHUNKED;
        this.toClose = length == ResponseHead.TO_CLOSE;
        this.keepAlive = keepAlive && !toClose;
        this.remaining = chunked ? -1 : Math.max(0, length);
        if (!chunked && !toClose && remaining == 0) {
            end();
        }
    }

    /** @return whether the body has been read to its end */
    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, target.length);
        if (ended) {
            return -1;
        }
        if (settled.get()) {
            throw new IOException("the answer was closed");
        }
        if (length == 0) {
            return 0;
        }
        try {
            if (toClose) {
                int n = connection.read(target, offset, length);
                if (n < 0) {
                    end();
                }
                return n;
            }
            if (chunked && remaining <= 0 && !nextChunk()) {
                return -1;
            }
            int n = connection.read(target, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("the function closed the connection before the end of its answer");
            }
            remaining -= n;
            if (!chunked && remaining == 0) {
                end();
            }
            return n;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return whether a chunk with data follows (false: the last chunk and trailers were read) */
    private boolean nextChunk() throws IOException {
        if (remaining == 0) {
            // the CRLF after the previous chunk's data
            if (!connection.readLine(2).isEmpty()) {
                throw new IOException("the function's chunked answer is malformed");
            }
        }
        String line = connection.readLine(MAX_CHUNK_LINE);
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new IOException("the function's chunked answer has an invalid chunk size");
        }
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("the function's chunked answer has an invalid chunk size");
        }
        if (size < 0) {
            throw new IOException("the function's chunked answer has an invalid chunk size");
        }
        if (size > 0) {
            remaining = size;
            return true;
        }
        for (int trailers = 0; !connection.readLine(ResponseHead.MAX_HEAD_BYTES).isEmpty(); trailers++) {
            if (trailers >= MAX_TRAILERS) {
                throw new IOException("the function's chunked answer has too many trailers");
            }
        }
        remaining = 0;
        end();
        return false;
    }

    /** The body was read to its end: the connection goes back to the pool (or is closed). */
    private void end() {
        ended = true;
        if (settled.compareAndSet(false, true)) {
            if (keepAlive) {
                release.accept(connection);
            } else {
                connection.close();
            }
        }
    }

    @Override
    public int available() {
        return 0;
    }

    /** Before the end of the body: closes the connection (what was left unread cannot be skipped cheaply). */
    @Override
    public void close() {
        if (settled.compareAndSet(false, true)) {
            connection.close();
        }
    }
}
