package dev.switchboard.gateway.invoke.http1;

import dev.switchboard.gateway.http.AsciiBytes;

/**
 * The headers of one request, assembled in layers: a header set again replaces the earlier value of the same
 * name (in any case), null values are not sent. The framing headers are the client's own and cannot be
 * set here; a value or name that could split the head (CR, LF, NUL) is refused.
 */
public final class RequestHeaders {
    /** Names and values, in the order set: a request carries a handful, so a scan beats a map. */
    private String[] names = new String[8];

    private String[] values = new String[8];
    private int size;

    /**
     * @param name  a header name
     * @param value its value; null removes it
     * @return this
     * @throws IllegalArgumentException when the name or value holds CR, LF or NUL, or the name is empty
     */
    public RequestHeaders set(String name, String value) {
        if (name.isEmpty() || !isSafe(name) || name.indexOf(':') >= 0 || name.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not a valid header name: " + name);
        }
        if (isFraming(name)) {
            return this;
        }
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                remove(i);
                break;
            }
        }
        if (value != null) {
            if (!isSafe(value)) {
                throw new IllegalArgumentException("the value of header " + name + " holds CR, LF or NUL");
            }
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size++] = value;
        }
        return this;
    }

    /** Host, Content-Length, Transfer-Encoding, Connection, in any case: told apart by length first. */
    private static boolean isFraming(String name) {
        return switch (name.length()) {
            case 4 -> name.equalsIgnoreCase("host");
            case 10 -> name.equalsIgnoreCase("connection");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    private static boolean isSafe(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 && text.indexOf(0) < 0;
    }

    private void remove(int index) {
        System.arraycopy(names, index + 1, names, index, size - index - 1);
        System.arraycopy(values, index + 1, values, index, size - index - 1);
        size--;
        names[size] = null;
        values[size] = null;
    }

    /** Appends {@code Name: value} lines. */
    void appendTo(AsciiBytes head) {
        for (int i = 0; i < size; i++) {
            head.header(names[i], values[i]);
        }
    }
}
