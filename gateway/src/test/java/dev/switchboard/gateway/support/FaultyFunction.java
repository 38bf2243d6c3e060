package dev.switchboard.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A function that misbehaves at the socket level, where a well-mannered HTTP server cannot: it resets
 * connections, never answers, trickles its answer a byte at a time, sends 11 MiB, or claims an event
 * stream and sends garbage. One behaviour per instance; every connection gets it.
 */
public final class FaultyFunction implements AutoCloseable {
    /** How it misbehaves. */
    public enum Fault {
        /** Reads the request, then resets the connection (RST). */
        RESET,
        /** Reads the request and never answers. */
        HANG,
        /** A valid JSON answer, one byte every 200 ms. */
        TRICKLE,
        /** An 11 MiB JSON answer with a correct Content-Length. */
        HUGE,
        /** {@code 200 text/event-stream} with lines that are not SSE, then closes. */
        INVALID_SSE
    }

    private final ServerSocket server;
    private final Fault fault;
    private final Thread acceptor;

    private FaultyFunction(Fault fault) throws IOException {
        this.fault = fault;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    /** @return a started function with that fault */
    public static FaultyFunction start(Fault fault) {
        try {
            return new FaultyFunction(fault);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return its URL */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            switch (fault) {
                case RESET -> {
                    socket.setSoLinger(true, 0);
                    return;
                }
                case HANG -> Thread.sleep(60_000);
                case TRICKLE -> {
                    byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                                    + "{\"slow\":\"" + "z".repeat(29) + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    for (byte b : answer) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(200);
                    }
                }
                case HUGE -> {
                    int size = 11 * 1024 * 1024; // beyond the default MAX_RESPONSE_SIZE of 10 MiB
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + size
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) ' ');
                    chunk[0] = '"';
                    for (int written = 0; written < size; written += chunk.length) {
                        out.write(chunk, 0, Math.min(chunk.length, size - written));
                        chunk[0] = ' ';
                    }
                    out.flush();
                }
                case INVALID_SSE -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                                    + "this is not\nan event stream\ndata: {broken json\n\nevent: message\ndata: [1,2\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the gateway gave up on us: that is the point
        }
    }

    /** Reads the head and a Content-Length body, so the client is not blocked writing. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        acceptor.interrupt();
    }
}
