package dev.switchboard.gateway.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A streamed answer on a connection that carries further requests: its body in chunked transfer coding, so that
 * the end of the answer is the last chunk and not the connection's close. Bytes are framed as they are written
 * and reach the socket on {@link #flush()}, the head with the first of them: a stream's head and first event (an
 * MCP answer's priming event) go in one write, and {@link #close()} writes what is left with the last chunk, so
 * that a stream's final event and its end go in one write as well.
 */
final class ChunkedAnswer extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final SocketChannel channel;
    private final Runnable completed;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(512);
    private boolean closed;

    /**
     * @param channel   the connection, blocking
     * @param head      the answer's head (status line and headers, with {@code Transfer-Encoding: chunked})
     * @param completed run once the last chunk is written: the connection may carry the next request
     */
    ChunkedAnswer(SocketChannel channel, byte[] head, Runnable completed) {
        this.channel = channel;
        this.completed = completed;
        pending.writeBytes(head);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the answer has ended");
        }
        // an empty chunk would be the last one: writing nothing adds nothing
        if (len == 0) {
            return;
        }
        pending.writeBytes(Integer.toHexString(len).getBytes(StandardCharsets.ISO_8859_1));
        pending.writeBytes(CRLF);
        pending.write(b, off, len);
        pending.writeBytes(CRLF);
    }

    @Override
    public void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Writes the last chunk (with whatever is still pending): the answer is whole. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        pending.writeBytes(LAST_CHUNK);
        flush();
        completed.run();
    }
}
