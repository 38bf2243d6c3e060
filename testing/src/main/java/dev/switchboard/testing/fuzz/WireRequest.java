package dev.switchboard.testing.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One generated request: the bytes to write and how the connection is left afterwards.
 *
 * @param bytes  what is written, as is
 * @param pieces in how many writes (a millisecond apart): a parser must join a head split anywhere
 * @param ending how the client leaves the connection after writing
 * @param label  what the generator meant (for the report)
 */
public record WireRequest(byte[] bytes, int pieces, Ending ending, String label) {
    /** How the client leaves the connection after writing. */
    public enum Ending {
        /** Stops sending (half-close) and reads the answer. */
        HALF_CLOSE,
        /** Keeps the connection open and reads until the answer is complete or the read timeout. */
        WAIT,
        /** Resets the connection right after writing: no answer is read. */
        RESET
    }

    /** @return whether the request is a {@code HEAD} (its answer has no body) */
    public boolean isHead() {
        return bytes.length >= 5
                && new String(bytes, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("HEAD ");
    }

    /** @return the first bytes, printable (control characters escaped), for a failure report */
    public String excerpt() {
        int shown = Math.min(bytes.length, 240);
        StringBuilder sb = new StringBuilder();
        for (char c : new String(bytes, 0, shown, StandardCharsets.ISO_8859_1).toCharArray()) {
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return sb + (bytes.length > shown ? "... (" + bytes.length + " bytes)" : "");
    }
}
