package dev.switchboard.gateway.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the {@code text/event-stream} a function answers with, event by event, as the SSE specification
 * parses it: lines end with CRLF, LF or CR; {@code data} lines are joined with newlines; an event is
 * dispatched at a blank line; {@code id} sets the last event id (the one to resume from); comments and other
 * fields are ignored. It works on bytes, in chunks: an
 * event's data is handed over as the UTF-8 bytes it arrived as, ready for a JSON parser, with no String of
 * it on the way.
 */
final class SseEventReader {
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final long maxEventSize;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private boolean pendingCr;
    private byte[] line = new byte[256];
    private int lineLength;
    /** The id field's value until the next dispatch; null when none was seen. */
    private String idBuffer;
    /** The id in force at the last dispatch (an event, or a blank line after fields); null when none. */
    private String lastEventId;

    /**
     * @param in           the stream
     * @param maxEventSize largest event accepted, bytes
     */
    SseEventReader(InputStream in, long maxEventSize) {
        this.in = in;
        this.maxEventSize = maxEventSize;
    }

    /**
     * @return the data of the next event, or null at the end of the stream
     * @throws IOException when reading fails or an event is too large
     */
    String nextData() throws IOException {
        byte[] data = nextDataBytes();
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    /**
     * @return the data of the next event as UTF-8 bytes, or null at the end of the stream
     * @throws IOException when reading fails or an event is too large
     */
    byte[] nextDataBytes() throws IOException {
        byte[] data = null;
        int dataLength = 0;
        long size = 0;
        while (readLine()) {
            size += lineLength;
            if (size > maxEventSize) {
                throw new IOException("event larger than " + maxEventSize + " bytes");
            }
            if (lineLength == 0) {
                lastEventId = idBuffer;
                if (data != null) {
                    return Arrays.copyOf(data, dataLength);
                }
                continue;
            }
            if (isField(ID)) {
                readId();
                continue;
            }
            if (!isField(DATA)) {
                continue; // a comment (':') or another field
            }
            int from = valueStart(DATA);
            int length = lineLength - from;
            if (data == null) {
                data = Arrays.copyOfRange(line, from, from + Math.max(length, 16));
                dataLength = length;
            } else {
                int needed = dataLength + 1 + length;
                if (needed > data.length) {
                    data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
                }
                data[dataLength++] = '\n';
                System.arraycopy(line, from, data, dataLength, length);
                dataLength += length;
            }
        }
        return data == null ? null : Arrays.copyOf(data, dataLength);
    }

    /**
     * @return the id of the last event read (as {@code Last-Event-ID} would carry it when reconnecting), or
     *     null when the stream has given none
     */
    String lastEventId() {
        return lastEventId;
    }

    /** @return whether the line is the named field: the name alone, or followed by a colon */
    private boolean isField(byte[] name) {
        if (lineLength < name.length || !Arrays.equals(line, 0, name.length, name, 0, name.length)) {
            return false;
        }
        return lineLength == name.length || line[name.length] == ':';
    }

    /** @return where the named field's value starts: after the colon and one space, if there is one */
    private int valueStart(byte[] name) {
        int from = lineLength == name.length ? lineLength : name.length + 1;
        return from < lineLength && line[from] == ' ' ? from + 1 : from;
    }

    /** An {@code id} field: its value becomes the id in force, unless it holds a NUL (ignored, as specified). */
    private void readId() {
        int from = valueStart(ID);
        for (int i = from; i < lineLength; i++) {
            if (line[i] == 0) {
                return;
            }
        }
        idBuffer = new String(line, from, lineLength - from, StandardCharsets.UTF_8);
    }

    /**
     * @param data an event's data
     * @return whether it holds only whitespace (nothing to parse)
     */
    static boolean isBlank(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                // beyond ASCII: whatever String.isBlank says, as before
                return new String(data, StandardCharsets.UTF_8).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /** Reads the next line into {@link #line}; false at the end of the stream with nothing read. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    // a last line without its end still counts, as before
                    return lineLength > 0;
                }
                position = 0;
                limit = n;
            }
            byte c = buffer[position++];
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n') {
                return true;
            }
            if (c == '\r') {
                pendingCr = true;
                return true;
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = c;
            if (lineLength > maxEventSize) {
                throw new IOException("line longer than " + maxEventSize + " bytes");
            }
        }
    }
}
