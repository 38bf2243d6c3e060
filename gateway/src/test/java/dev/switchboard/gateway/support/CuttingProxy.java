package dev.switchboard.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that cuts a client's connection at a chosen point of an SSE answer: after the
 * server's n-th event has been forwarded, both sockets are closed and nothing more reaches the client, as
 * when a network drops. It reads the HTTP/1.1 answer well enough for that (headers, chunked or plain
 * body; comment-only blocks such as keep-alives are not events). Bounded: at most {@link #MAX_CONNECTIONS}
 * connections in its life.
 */
public final class CuttingProxy implements AutoCloseable {
    /** Connections one proxy accepts before it refuses more. */
    public static final int MAX_CONNECTIONS = 64;

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Events after which the next connection is cut; 0 for none. */
    private final AtomicInteger armed = new AtomicInteger();

    private CuttingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
        Thread.ofVirtual().name("cutting-proxy").start(this::acceptLoop);
    }

    /**
     * @param targetPort a port on 127.0.0.1 to forward to
     * @return the running proxy
     */
    public static CuttingProxy start(int targetPort) {
        try {
            return new CuttingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Arms the next connection: it is cut right after the server's n-th SSE event reached the client.
     *
     * @param events events to let through (at least 1)
     */
    public void cutNextAfterEvents(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("events must be at least 1");
        }
        armed.set(events);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (accepted.incrementAndGet() > MAX_CONNECTIONS) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                int cutAfter = armed.getAndSet(0);
                Thread.ofVirtual().start(() -> pump(client, upstream, 0));
                Thread.ofVirtual().start(() -> pump(upstream, client, cutAfter));
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection close
            }
        }
    }

    /** Copies bytes one way; downstream, cuts both sockets after {@code cutAfter} events (0: never). */
    private void pump(Socket from, Socket to, int cutAfter) {
        EventCounter counter = cutAfter > 0 ? new EventCounter() : null;
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (counter == null) {
                    out.write(buffer, 0, n);
                    out.flush();
                    continue;
                }
                int end = counter.cutPoint(buffer, n, cutAfter);
                out.write(buffer, 0, end < 0 ? n : end);
                out.flush();
                if (end >= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        open.forEach(this::closeQuietly);
    }

    /**
     * Follows an HTTP/1.1 answer byte by byte: headers, then a chunked or plain body whose SSE blocks it
     * counts. A cut falls at the end of the chunk that completes the n-th event, so the client has whole
     * chunks.
     */
    private static final class EventCounter {
        private enum State {
            HEAD,
            SIZE,
            DATA,
            DATA_END,
            PLAIN
        }

        private State state = State.HEAD;
        private final StringBuilder line = new StringBuilder();
        private boolean chunked;
        private long chunkLeft;
        private int crlfLeft;
        private int events;
        private boolean atLineStart = true;
        private boolean blockHasField;
        private int headTail;

        /** @return the number of bytes of this read to forward before cutting, or -1 to forward all */
        int cutPoint(byte[] buffer, int n, int cutAfter) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                switch (state) {
                    case HEAD -> head(b);
                    case SIZE -> {
                        if (b == '\n') {
                            String size = line.toString().trim();
                            int semicolon = size.indexOf(';');
                            chunkLeft = Long.parseLong(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                            line.setLength(0);
                            state = chunkLeft == 0 ? State.DATA_END : State.DATA;
                            crlfLeft = 2;
                        } else {
                            line.append((char) b);
                        }
                    }
                    case DATA -> {
                        body(b);
                        if (--chunkLeft == 0) {
                            state = State.DATA_END;
                            crlfLeft = 2;
                        }
                    }
                    case DATA_END -> {
                        if (--crlfLeft == 0) {
                            state = State.SIZE;
                            if (events >= cutAfter) {
                                return i + 1;
                            }
                        }
                    }
                    case PLAIN -> {
                        body(b);
                        if (events >= cutAfter) {
                            return i + 1;
                        }
                    }
                }
            }
            return -1;
        }

        private void head(byte b) {
            line.append((char) b);
            headTail = b == '\r' || b == '\n' ? headTail + 1 : 0;
            if (b == '\n') {
                String header = line.toString().toLowerCase(java.util.Locale.ROOT);
                if (header.startsWith("transfer-encoding:") && header.contains("chunked")) {
                    chunked = true;
                }
                line.setLength(0);
            }
            if (headTail == 4) {
                line.setLength(0);
                state = chunked ? State.SIZE : State.PLAIN;
            }
        }

        private void body(byte b) {
            if (b == '\n') {
                if (atLineStart) {
                    // a blank line dispatches the block, when it had a field (comments alone do not)
                    if (blockHasField) {
                        events++;
                    }
                    blockHasField = false;
                }
                atLineStart = true;
                return;
            }
            if (atLineStart && b != ':' && b != '\r') {
                blockHasField = true;
            }
            atLineStart = false;
        }
    }
}
