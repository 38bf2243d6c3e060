package dev.switchboard.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Text written straight into bytes, one byte per character (ISO-8859-1), with what follows it (a body, or a value
 * already encoded) in the same array: HTTP/1.1 heads, and JSON envelopes whose own fields are plain ASCII. One
 * array per message instead of a {@code StringBuilder}, its {@code String}, that string's bytes and a copy joining
 * head and body (the request and answer heads of every call went through all four).
 *
 * <p>A character above U+00FF is written as {@code ?}, as {@link java.nio.charset.StandardCharsets#ISO_8859_1}
 * encodes it: its low byte alone could be a CR or an LF (U+010D, U+010A) and split a head.
 */
public final class AsciiBytes {
    private byte[] bytes;
    private int length;

    /** @param capacity bytes expected (head and body): the array grows past it when needed, and {@link #toArray}
     *                 copies nothing when it is exact */
    public AsciiBytes(int capacity) {
        this.bytes = new byte[Math.max(16, capacity)];
    }

    /**
     * @param text characters of the head
     * @return this
     */
    public AsciiBytes append(String text) {
        int n = text.length();
        ensure(n);
        byte[] into = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            into[at + i] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        length = at + n;
        return this;
    }

    /**
     * @param c an ASCII character
     * @return this
     */
    public AsciiBytes append(char c) {
        ensure(1);
        bytes[length++] = c <= 0xFF ? (byte) c : (byte) '?';
        return this;
    }

    /**
     * @param number a number, in decimal
     * @return this
     */
    public AsciiBytes append(long number) {
        if (number < 0) {
            return append(Long.toString(number));
        }
        int digits = digits(number);
        ensure(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + number % 10);
            number /= 10;
        }
        length += digits;
        return this;
    }

    /**
     * @param number a number, not negative
     * @return how many characters {@link #append(long)} writes for it
     */
    public static int digits(long number) {
        int digits = 1;
        for (long rest = number / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /**
     * @param encoded bytes to copy as they are
     * @return this
     */
    public AsciiBytes append(byte[] encoded) {
        ensure(encoded.length);
        System.arraycopy(encoded, 0, bytes, length, encoded.length);
        length += encoded.length;
        return this;
    }

    /**
     * A header line.
     *
     * @param name  its name
     * @param value its value
     * @return this
     */
    public AsciiBytes header(String name, String value) {
        return append(name).append(':').append(' ').append(value).crlf();
    }

    /** @return this, after a CRLF */
    public AsciiBytes crlf() {
        ensure(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
        return this;
    }

    /**
     * @param body bytes to follow the head, or null for none
     * @return the head and the body, in an array of exactly their length
     */
    public byte[] toArray(byte[] body) {
        int bodyLength = body == null ? 0 : body.length;
        byte[] all = bytes.length == length + bodyLength ? bytes : Arrays.copyOf(bytes, length + bodyLength);
        if (bodyLength > 0) {
            System.arraycopy(body, 0, all, length, bodyLength);
        }
        bytes = null; // handed over: this writer is done
        return all;
    }

    /** @return what was written, as a buffer over this writer's array (no copy); this writer is done */
    public ByteBuffer toBuffer() {
        ByteBuffer written = ByteBuffer.wrap(bytes, 0, length);
        bytes = null;
        return written;
    }

    /**
     * @param out where to write what was written, in one write (no copy)
     * @throws IOException when writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }
}
