package dev.switchboard.gateway.sse;

import java.nio.charset.StandardCharsets;

/**
 * Writes the {@code text/event-stream} format. Field values are made safe so that no input can start a
 * new field or event: line breaks split {@code data} into several {@code data:} lines (which a client
 * joins back), and are removed from {@code id} and {@code event}, where they have no meaning.
 */
public final class SseEncoder {
    private SseEncoder() {}

    /**
     * @param id   event id, or null for none
     * @param type event name, or null for the default {@code message}
     * @param data payload; may hold any characters
     * @return the encoded event, ending with the blank line that dispatches it
     */
    public static byte[] event(String id, String type, String data) {
        String text = data == null ? "" : data;
        String fields = (id == null ? "" : "id: " + singleLine(id) + "\n")
                + (type == null ? "" : "event: " + singleLine(type) + "\n");
        if (!hasLineBreak(text)) {
            // the common case (every JSON message the gateway writes): one data line, joined without a scan per char
            return (fields + "data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(fields.length() + text.length() + 32).append(fields);
        appendData(out, text);
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param text comment text; line breaks become separate comment lines
     * @return a comment, which clients ignore (used as a keep-alive)
     */
    public static byte[] comment(String text) {
        StringBuilder out = new StringBuilder(text.length() + 4);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            out.append(':').append(line.isEmpty() ? "" : " ").append(line).append('\n');
        }
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param millis reconnection delay the client should use
     * @return a {@code retry} field on its own
     */
    public static byte[] retry(long millis) {
        return ("retry: " + Math.max(0, millis) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void appendData(StringBuilder out, String data) {
        int start = 0;
        int length = data.length();
        for (int i = 0; i < length; i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < length && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.append("data: ").append(data, start, length).append('\n');
    }

    private static boolean hasLineBreak(String text) {
        return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    }

    /** Drops CR, LF and NUL: a NUL makes browsers ignore an id, a line break would end the field. */
    private static String singleLine(String value) {
        if (!hasLineBreak(value) && value.indexOf(0) < 0) {
            return value;
        }
        StringBuilder clean = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                if (clean == null) {
                    clean = new StringBuilder(value.length()).append(value, 0, i);
                }
            } else if (clean != null) {
                clean.append(c);
            }
        }
        return clean == null ? value : clean.toString();
    }
}
