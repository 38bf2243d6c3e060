package dev.switchboard.gateway.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the {@code text/event-stream} a function answers with, event by event, as the SSE specification
 * parses it: lines end with CRLF, LF or CR; {@code data} lines are joined with newlines; an event is
 * dispatched at a blank line; comments and unknown fields are ignored.
 */
final class SseEventReader {
    private final InputStream in;
    private final long maxEventSize;
    private boolean pendingCr;

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
        StringBuilder data = null;
        long size = 0;
        String line;
        while ((line = readLine()) != null) {
            size += line.length();
            if (size > maxEventSize) {
                throw new IOException("event larger than " + maxEventSize + " bytes");
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            if (!field.equals("data")) {
                continue;
            }
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
        return data == null ? null : data.toString();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (c == '\r') {
                pendingCr = true;
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(c);
            if (line.size() > maxEventSize) {
                throw new IOException("line longer than " + maxEventSize + " bytes");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
