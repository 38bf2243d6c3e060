package dev.switchboard.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a server answered on a raw socket: nothing, or a status line, headers and a body read by its
 * framing (bounded: a stream's body is not waited for).
 *
 * @param status  the status, or -1 when nothing arrived
 * @param head    the status line and headers as received (empty when nothing arrived)
 * @param headers header values by lower-case name (last wins)
 * @param body    the body read, decoded from chunks
 * @param problem why the answer cannot be read as HTTP/1.1, or null
 */
public record WireAnswer(int status, String head, Map<String, String> headers, byte[] body, String problem) {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    /** @return true when no byte arrived */
    public boolean silent() {
        return status < 0 && problem == null;
    }

    /** @return the body as UTF-8 text */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Reads one answer; an interim 1xx answer is skipped.
     *
     * @param in the socket's input (with a read timeout set)
     * @return the answer
     * @throws IOException on a socket failure other than a timeout or a reset after the answer began
     */
    static WireAnswer read(InputStream in) throws IOException {
        while (true) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            try {
                int b;
                int matched = 0;
                while (matched < 4 && (b = in.read()) >= 0) {
                    head.write(b);
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                    if (head.size() > MAX_HEAD) {
                        return broken(head, "answer head larger than " + MAX_HEAD);
                    }
                }
                if (matched < 4) {
                    return head.size() == 0 ? nothing() : broken(head, "answer ended inside its head");
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                return head.size() == 0 ? nothing() : broken(head, "answer head incomplete: " + e.getMessage());
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            if (!lines[0].matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
                return broken(head, "not a status line: " + lines[0]);
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    return broken(head, "malformed answer header: " + lines[i]);
                }
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            return new WireAnswer(status, text, headers, body(in, headers), null);
        }
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String type = headers.getOrDefault("content-type", "");
        if (type.startsWith("text/event-stream")) {
            // a stream: its head is the answer
            return body.toByteArray();
        }
        try {
            if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                while (body.size() < MAX_BODY) {
                    String size = line(in).strip();
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt(semi < 0 ? size : size.substring(0, semi), 16);
                    if (n == 0) {
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes((int) Math.min(MAX_BODY, Long.parseLong(headers.get("content-length")))));
            } else {
                body.write(in.readNBytes(MAX_BODY));
            }
        } catch (SocketTimeoutException | java.net.SocketException | NumberFormatException e) {
            // what arrived is what is checked
        }
        return body.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && sb.length() < 1024) {
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static WireAnswer nothing() {
        return new WireAnswer(-1, "", Map.of(), new byte[0], null);
    }

    private static WireAnswer broken(ByteArrayOutputStream head, String problem) {
        return new WireAnswer(-1, head.toString(StandardCharsets.ISO_8859_1), Map.of(), new byte[0], problem);
    }
}
