package dev.switchboard.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One inline command over a fresh socket, for test housekeeping where no database is selected. */
final class RawRedis {
    private RawRedis() {}

    /**
     * @param port a loopback Redis (or Sentinel) port
     * @param line an inline command
     * @return the raw reply's first 8 KiB, or {@code -} and the error when nothing answered
     */
    static String send(int port, String line) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            byte[] buffer = new byte[8192];
            int n = socket.getInputStream().read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "-" + e.getMessage();
        }
    }
}
