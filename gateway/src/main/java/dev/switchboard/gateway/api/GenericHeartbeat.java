package dev.switchboard.gateway.api;

import dev.switchboard.gateway.sse.HeartbeatFormat;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * A generic stream's heartbeat: {@code event: heartbeat} whose {@code id} repeats the last event id (so that a
 * client resuming after a heartbeat misses nothing) and whose data carries the time in seconds and the connection
 * id. An event loop has it encoded straight into its write buffer (the ids are plain ASCII: event ids, resume
 * tokens and random connection ids), which costs no allocation per heartbeat; anything else goes through
 * {@link SseEncoder}, and both give the same bytes.
 */
final class GenericHeartbeat implements HeartbeatFormat {
    private static final byte[] ID = ascii("id: ");
    private static final byte[] EVENT = ascii("event: heartbeat\n");
    private static final byte[] TIMESTAMP = ascii("data: {\"timestamp\":");
    private static final byte[] CONNECTION = ascii(",\"connection_id\":\"");
    private static final byte[] END = ascii("\"}\n\n");
    /** Digits of a long, at most. */
    private static final int MAX_DIGITS = 20;

    private final LongSupplier epochMillis;

    /** @param epochMillis the wall clock, in milliseconds */
    GenericHeartbeat(LongSupplier epochMillis) {
        this.epochMillis = epochMillis;
    }

    @Override
    public byte[] bytes(SseStream stream) {
        String data = "{\"timestamp\":" + (epochMillis.getAsLong() / 1000) + ",\"connection_id\":\""
                + stream.connectionId() + "\"}";
        return SseEncoder.event(stream.lastSentId(), "heartbeat", data);
    }

    @Override
    public boolean writeTo(SseStream stream, ByteBuffer out) {
        String id = stream.lastSentId();
        String connection = stream.connectionId();
        if ((id != null && !plain(id)) || !plain(connection) || !quotable(connection)) {
            return HeartbeatFormat.super.writeTo(stream, out);
        }
        int length = (id == null ? 0 : ID.length + id.length() + 1)
                + EVENT.length
                + TIMESTAMP.length
                + MAX_DIGITS
                + CONNECTION.length
                + connection.length()
                + END.length;
        if (length > out.remaining()) {
            return false;
        }
        if (id != null) {
            out.put(ID);
            putAscii(out, id);
            out.put((byte) '\n');
        }
        out.put(EVENT);
        out.put(TIMESTAMP);
        putDigits(out, epochMillis.getAsLong() / 1000);
        out.put(CONNECTION);
        putAscii(out, connection);
        out.put(END);
        return true;
    }

    /** Printable ASCII only: what {@link SseEncoder} would write unchanged, one byte a character. */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Nothing a JSON string would need escaped (the data is written as it is, as {@link #bytes} writes it). */
    private static boolean quotable(String value) {
        return value.indexOf('"') < 0 && value.indexOf('\\') < 0;
    }

    private static void putAscii(ByteBuffer out, String value) {
        for (int i = 0; i < value.length(); i++) {
            out.put((byte) value.charAt(i));
        }
    }

    private static void putDigits(ByteBuffer out, long value) {
        if (value < 0) {
            out.put((byte) '-');
            value = -value;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.put((byte) ('0' + (value / divisor) % 10));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
