package dev.switchboard.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain TCP connection from a chosen loopback source address, for what an HTTP client will not do. */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private boolean closedByServer;

    private RawConnection(Socket socket) {
        this.socket = socket;
    }

    /**
     * @param from a loopback source address (127.0.0.2, 127.0.0.3, ...)
     * @param port a port on 127.0.0.1
     * @return the connection, sending nothing yet
     */
    public static RawConnection open(String from, int port) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return new RawConnection(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            throw new IllegalStateException("cannot connect from " + from + " to " + port, e);
        }
    }

    /** @param request bytes to send (ISO-8859-1) */
    public RawConnection send(String request) {
        try {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // the server may have answered and closed already: what it said is read next
        }
        return this;
    }

    /**
     * Reads until the text appears, the server closes, or the time is up.
     *
     * @param marker what to wait for (null: until the end)
     * @param within how long at most
     * @return everything read so far
     */
    public String readUntil(String marker, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buffer = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            while (marker == null || !text().contains(marker)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n = in.read(buffer);
                if (n < 0) {
                    closedByServer = true;
                    break;
                }
                seen.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // time is up
        } catch (IOException e) {
            closedByServer = true; // reset
        }
        return text();
    }

    /**
     * @param within how long to wait
     * @return whether the server closed the connection within that time (reading and dropping its bytes)
     */
    public boolean closedWithin(Duration within) {
        readUntil(null, within);
        return closedByServer;
    }

    /** @return everything read so far */
    public String text() {
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed anyway
        }
    }
}
