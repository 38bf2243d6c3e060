package dev.switchboard.gateway.sse;

import java.nio.ByteBuffer;

/** The bytes of one heartbeat of a stream: a generic stream's {@code heartbeat} event, an MCP stream's comment. */
@FunctionalInterface
public interface HeartbeatFormat {
    /**
     * @param stream the stream it is for
     * @return one heartbeat, encoded
     */
    byte[] bytes(SseStream stream);

    /**
     * Puts one heartbeat into a writer's buffer: an event loop writes a heartbeat with nothing else due this way,
     * so a format that can encode in place costs no allocation per heartbeat. This default copies {@link #bytes}.
     *
     * @param stream the stream it is for
     * @param out    receives the bytes at its position
     * @return false, with {@code out} untouched, when the heartbeat does not fit
     */
    default boolean writeTo(SseStream stream, ByteBuffer out) {
        byte[] bytes = bytes(stream);
        if (bytes.length > out.remaining()) {
            return false;
        }
        out.put(bytes);
        return true;
    }
}
