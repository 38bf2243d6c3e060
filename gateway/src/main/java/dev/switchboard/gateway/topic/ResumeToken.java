package dev.switchboard.gateway.topic;

import dev.switchboard.gateway.state.EventIds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The event id of a stream that follows several logs (its client's and its topics'): one position per log,
 * in the stream's order of logs, so that {@code Last-Event-ID} resumes every log exactly. The form is
 * {@code v1.<logs>.<position>.<position>...}: {@code <logs>} is a checksum of the logs' keys in order (a token
 * from another set of topics is refused rather than misapplied), a position is an event id
 * {@code <millis>-<sequence>} with both numbers in base 36. Only letters, digits, {@code .} and {@code -}:
 * safe in a header, a URL and an SSE id.
 */
public final class ResumeToken {
    private static final String VERSION = "v1";
    private static final byte[] ID_FIELD = "id: ".getBytes(StandardCharsets.US_ASCII);
    /**
     * The position of a log nothing was read from yet, shared by every stream that starts so: never to be
     * modified ({@link #position} hands out copies).
     */
    public static final byte[] NO_POSITION = "0-0".getBytes(StandardCharsets.US_ASCII);
    /** A position: two unsigned 64-bit numbers in base 36 (at most 13 digits each). */
    private static final java.util.regex.Pattern POSITION =
            java.util.regex.Pattern.compile("[0-9a-z]{1,13}-[0-9a-z]{1,13}");

    private ResumeToken() {}

    /**
     * @param text an id a client sent back
     * @return whether it has the form of a token (it may still be refused by {@link #decode})
     */
    public static boolean looksLikeToken(String text) {
        return text.startsWith(VERSION + ".");
    }

    /**
     * @param logs      the stream's log keys, in order
     * @param positions one event id per log ({@link EventIds} form)
     * @return the token
     */
    public static String encode(List<String> logs, String[] positions) {
        byte[][] encoded = new byte[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            encoded[i] = position(positions[i]);
        }
        return ofIdLine(idLine(prefix(logs), encoded));
    }

    /**
     * The part of a token that depends only on the stream's logs: a stream makes it once, not per event.
     *
     * @param logs the stream's log keys, in order
     * @return the token's prefix as ASCII bytes, for {@link #idLine}
     */
    public static byte[] prefix(List<String> logs) {
        return (VERSION + "." + checksum(logs)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One position as a token writes it: the same for every stream an event goes to, so made once per event.
     *
     * @param id an event id ({@link EventIds} form), or null for a log nothing was read from yet
     * @return the position's form in a token as ASCII bytes, for {@link #idLine}
     */
    public static byte[] position(String id) {
        if (id == null) {
            return NO_POSITION.clone();
        }
        int dash = id.indexOf('-');
        return (Long.toUnsignedString(Long.parseUnsignedLong(id, 0, dash, 10), 36) + "-"
                        + Long.toUnsignedString(Long.parseUnsignedLong(id, dash + 1, id.length(), 10), 36))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * An SSE id line carrying a token, as an array of its own: {@code id: <prefix>.<position>...\n}.
     *
     * @param prefix    the stream's {@link #prefix}
     * @param positions each log's {@link #position}, in the stream's order of logs
     * @return {@code id: <token>\n}
     */
    public static byte[] idLine(byte[] prefix, byte[][] positions) {
        // the same bytes as putIdLine (LoopFanOutTest holds them equal), without a buffer object per line
        byte[] line = new byte[idLineLength(prefix, positions)];
        System.arraycopy(ID_FIELD, 0, line, 0, ID_FIELD.length);
        System.arraycopy(prefix, 0, line, ID_FIELD.length, prefix.length);
        int at = ID_FIELD.length + prefix.length;
        for (byte[] p : positions) {
            line[at++] = '.';
            System.arraycopy(p, 0, line, at, p.length);
            at += p.length;
        }
        line[at] = '\n';
        return line;
    }

    /**
     * @param prefix    the stream's {@link #prefix}
     * @param positions each log's {@link #position}
     * @return the length of their {@link #idLine}
     */
    public static int idLineLength(byte[] prefix, byte[][] positions) {
        int length = 4 + prefix.length + 1;
        for (byte[] p : positions) {
            length += 1 + p.length;
        }
        return length;
    }

    /**
     * Writes an SSE id line carrying a token ({@link #idLine}'s bytes) straight into an event loop's buffer.
     *
     * @param out       receives {@code id: <token>\n}; it must have {@link #idLineLength} bytes left
     * @param prefix    the stream's {@link #prefix}
     * @param positions each log's {@link #position}, in the stream's order of logs
     */
    public static void putIdLine(java.nio.ByteBuffer out, byte[] prefix, byte[][] positions) {
        out.put(ID_FIELD).put(prefix);
        for (byte[] p : positions) {
            out.put((byte) '.').put(p);
        }
        out.put((byte) '\n');
    }

    /**
     * @param idLine an {@link #idLine}
     * @return the token it carries
     */
    public static String ofIdLine(byte[] idLine) {
        return new String(idLine, 4, idLine.length - 5, StandardCharsets.US_ASCII);
    }

    public static String[] decode(String token, List<String> logs) {
        String[] parts = token.split("\\.", -1);
        if (parts.length < 2 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a resume token of version " + VERSION);
        }
        if (!parts[1].matches("[0-9a-z]{1,13}")) {
            throw new IllegalArgumentException("malformed resume token: no checksum of its stream's logs");
        }
        if (!parts[1].equals(checksum(logs))) {
            throw new IllegalArgumentException("the resume token belongs to a stream of other topics "
                    + "(same client id and the same topics, in the same order, are needed)");
        }
        if (parts.length != logs.size() + 2) {
            throw new IllegalArgumentException("malformed resume token: " + (parts.length - 2)
                    + " positions where this stream follows " + logs.size() + " logs");
        }
        String[] positions = new String[logs.size()];
        for (int i = 0; i < positions.length; i++) {
            String p = parts[i + 2];
            int dash = p.indexOf('-');
            if (!POSITION.matcher(p).matches()) {
                throw new IllegalArgumentException("malformed position " + (i + 1) + " in the resume token");
            }
            try {
                positions[i] = Long.toUnsignedString(Long.parseUnsignedLong(p.substring(0, dash), 36)) + "-"
                        + Long.toUnsignedString(Long.parseUnsignedLong(p.substring(dash + 1), 36));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed position " + (i + 1) + " in the resume token");
            }
        }
        return positions;
    }

    private static String checksum(List<String> logs) {
        CRC32 crc = new CRC32();
        for (String log : logs) {
            crc.update(log.getBytes(StandardCharsets.UTF_8));
            crc.update('\n');
        }
        return Long.toString(crc.getValue(), 36);
    }
}
