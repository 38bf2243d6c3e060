package dev.switchboard.gateway.invoke.http1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The headers of one request, assembled in layers: a header set again replaces the earlier value of the same
 * name (in any case), null values are not sent. The framing headers are the client's own and cannot be
 * set here; a value or name that could split the head (CR, LF, NUL) is refused.
 */
public final class RequestHeaders {
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection");

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
        if (FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
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

    private static boolean isSafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code Name: value} lines. */
    void appendTo(StringBuilder head) {
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
    }
}
