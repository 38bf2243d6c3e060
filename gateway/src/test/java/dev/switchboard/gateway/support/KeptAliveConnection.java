package dev.switchboard.gateway.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection that several requests share, read answer by answer as their framing says
 * ({@code Content-Length}, chunked, or the connection's close), so that a test sees whether the server kept the connection for the next
 * request and what it wrote on the wire (chunk sizes included).
 */
public final class KeptAliveConnection implements AutoCloseable {
    /**
     * @param status  the status code
     * @param headers the headers, by lower-case name
     * @param body    the body, decoded from its chunks
     * @param chunks  how many data chunks carried it (0 for a body framed by its length)
     */
    public record Answer(int status, Map<String, String> headers, String body, int chunks) {
        /**
         * @param name a header, any case
         * @return its value, or null
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;

    /**
     * @param port a port on 127.0.0.1
     * @param read how long one read may wait
     * @throws IOException when it cannot connect
     */
    public KeptAliveConnection(int port, Duration read) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) read.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * @param requests one or more whole requests, sent in one write (several: pipelined)
     * @return this connection
     * @throws IOException when it cannot write
     */
    public KeptAliveConnection send(String requests) throws IOException {
        socket.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * @return the next answer, read to its framed end
     * @throws IOException when the connection ends first, or a read times out
     */
    public Answer next() throws IOException {
        String status = line();
        Map<String, String> headers = new TreeMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int chunks = 0;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
                body.write(in.readNBytes(size));
                chunks++;
                if (!line().isEmpty()) {
                    throw new IOException("a chunk not ended by CRLF");
                }
            }
            if (!line().isEmpty()) {
                throw new IOException("the last chunk not ended by an empty line");
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (!status.contains(" 204 ")) {
            // delimited by the connection's close
            body.write(in.readAllBytes());
        }
        return new Answer(
                Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8), chunks);
    }

    /**
     * @param within how long to wait
     * @return whether the server closed the connection within that time, sending nothing more
     */
    public boolean closedWithin(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection ended");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
