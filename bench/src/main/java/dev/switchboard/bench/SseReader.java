package dev.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes one SSE response from raw socket bytes, fed in whatever pieces the network delivers: the HTTP
 * head, chunked transfer coding when the server uses it, then the event-stream format (events dispatched
 * on blank lines; comments counted). Byte-level and allocation-light, so one thread can read thousands
 * of streams.
 */
final class SseReader {
    /** Receives what the stream carries. */
    interface Listener {
        /** The response head was read. */
        void opened(int status);

        /** A whole event arrived. */
        void event(String type, String data);

        /** A comment line arrived (some servers' keep-alives). */
        void comment();
    }

    private enum Phase {
        HEAD,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        BODY
    }

    private final Listener listener;
    private Phase phase = Phase.HEAD;
    private boolean chunked;
    private int status;
    private long chunkLeft;
    private byte[] line = new byte[128];
    private int lineLength;
    private byte[] sseLine = new byte[128];
    private int sseLineLength;
    private String eventType;
    private StringBuilder data;

    SseReader(Listener listener) {
        this.listener = listener;
    }

    /** Feeds bytes in arrival order. */
    void feed(byte[] buf, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            switch (phase) {
                case HEAD, CHUNK_SIZE, CHUNK_END -> {
                    byte b = buf[i++];
                    if (b == '\n') {
                        String text = new String(line, 0, trimCr(line, lineLength), StandardCharsets.ISO_8859_1);
                        lineLength = 0;
                        headLine(text);
                    } else {
                        line = append(line, lineLength++, b);
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, end - i);
                    sse(buf, i, n);
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        phase = Phase.CHUNK_END;
                    }
                }
                case BODY -> {
                    sse(buf, i, end - i);
                    i = end;
                }
            }
        }
    }

    private void headLine(String text) {
        switch (phase) {
            case HEAD -> {
                if (status == 0) {
                    status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
                } else if (text.isEmpty()) {
                    phase = chunked ? Phase.CHUNK_SIZE : Phase.BODY;
                    listener.opened(status);
                } else if (text.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                        && text.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            case CHUNK_SIZE -> {
                if (text.isEmpty()) {
                    return;
                }
                int semicolon = text.indexOf(';');
                chunkLeft = Long.parseLong((semicolon < 0 ? text : text.substring(0, semicolon)).trim(), 16);
                phase = chunkLeft == 0 ? Phase.CHUNK_END : Phase.CHUNK_DATA;
            }
            case CHUNK_END -> phase = Phase.CHUNK_SIZE;
            default -> throw new IllegalStateException(phase.name());
        }
    }

    private void sse(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b == '\n') {
                sseLine(trimCr(sseLine, sseLineLength));
                sseLineLength = 0;
            } else {
                sseLine = append(sseLine, sseLineLength++, b);
            }
        }
    }

    private void sseLine(int length) {
        if (length == 0) {
            if (data != null || eventType != null) {
                listener.event(eventType == null ? "message" : eventType, data == null ? "" : data.toString());
            }
            eventType = null;
            data = null;
            return;
        }
        if (sseLine[0] == ':') {
            listener.comment();
            return;
        }
        String text = new String(sseLine, 0, length, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + (text.startsWith(" ", colon + 1) ? 2 : 1));
        if (field.equals("event")) {
            eventType = value;
        } else if (field.equals("data")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }

    private static int trimCr(byte[] bytes, int length) {
        return length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    }

    private static byte[] append(byte[] bytes, int at, byte b) {
        byte[] target = at < bytes.length ? bytes : java.util.Arrays.copyOf(bytes, bytes.length * 2);
        target[at] = b;
        return target;
    }
}
