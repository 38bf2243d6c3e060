package dev.switchboard.gateway.invoke.http1;

import java.util.ArrayList;
import java.util.List;

/**
 * The headers of one request, assembled in layers: a header set again replaces the earlier value of the same
 * name (in any case), null values are not sent. The framing headers are the client's own and cannot be
 * set here; a value or name that could split the head (CR, LF, NUL) is refused.
 */
public final class RequestHeaders {
    private final List<String[]> headers = new ArrayList<>(16);

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
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i)[0].equalsIgnoreCase(name)) {
                headers.remove(i);
                break;
            }
        }
        if (value != null) {
            if (!isSafe(value)) {
                throw new IllegalArgumentException("the value of header " + name + " holds CR, LF or NUL");
            }
            headers.add(new String[] {name, value});
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

    /** Appends {@code Name: value} lines. */
    void appendTo(StringBuilder head) {
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
    }
}
