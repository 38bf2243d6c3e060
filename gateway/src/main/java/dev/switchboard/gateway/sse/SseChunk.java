package dev.switchboard.gateway.sse;

/**
 * What {@link SseStream#drain} took: the parts to write in order (each possibly shared with other streams: read only)
 * and what they hold, joined only when asked for ({@link #bytes}). An event loop drains into its own buffer
 * instead ({@link SseStream#drainTo}).
 */
public final class SseChunk {
    private final byte[][] parts;
    private final int count;
    private final int length;
    private final int events;
    private final boolean heartbeat;

    SseChunk(byte[][] parts, int count, int length, int events, boolean heartbeat) {
        this.parts = parts;
        this.count = count;
        this.length = length;
        this.events = events;
        this.heartbeat = heartbeat;
    }

    /** @return the bytes, joined (the one part itself when there is one: read only) */
    public byte[] bytes() {
        if (count == 1) {
            return parts[0];
        }
        byte[] all = new byte[length];
        int at = 0;
        for (int i = 0; i < count; i++) {
            System.arraycopy(parts[i], 0, all, at, parts[i].length);
            at += parts[i].length;
        }
        return all;
    }

    /** @return the number of bytes */
    public int length() {
        return length;
    }

    /** @return events in the chunk */
    public int events() {
        return events;
    }

    /** @return whether a heartbeat ends it */
    public boolean heartbeat() {
        return heartbeat;
    }
}
