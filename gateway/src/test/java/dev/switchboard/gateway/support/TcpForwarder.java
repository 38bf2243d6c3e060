package dev.switchboard.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder standing in for a load balancer: clients keep one address (a browser's
 * {@code EventSource} reconnects to the URL it was given) while the test moves the target from one gateway
 * replica to another. A connection whose target refuses is closed at once, which a client sees as a network
 * error, as behind a balancer whose backend died. Given several targets it spreads connections round-robin
 * between them, as a balancer without affinity does. It can also lose what its targets answer and then drop its
 * connections, as a network that fails between a request and its reply, or hold back requests of one kind, as a
 * slow path to a server.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private volatile int[] targetPorts;
    private volatile boolean swallowAnswers;
    private volatile Delay delay;

    private final java.util.List<Exchange> exchanges = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A request that passed and the start of its answer, as seen on the wire.
     *
     * @param request its head (request line and headers)
     * @param answer  the answer's status line
     */
    public record Exchange(String request, String answer) {}

    /** Client bytes that begin with {@code prefix} wait {@code by} before they are passed on. */
    private record Delay(byte[] prefix, java.time.Duration by) {}

    private TcpForwarder(ServerSocket server, int[] targetPorts) {
        this.server = server;
        this.targetPorts = targetPorts;
    }

    /**
     * @param targetPorts the loopback ports to forward to, each new connection to the next one
     * @return a started forwarder on 127.0.0.1 and a free port
     */
    public static TcpForwarder start(int... targetPorts) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpForwarder forwarder = new TcpForwarder(server, targetPorts.clone());
            Thread.ofVirtual().name("forwarder-accept").start(forwarder::accept);
            return forwarder;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    /** @param port where new connections go from now on (open ones stay where they are) */
    public void retarget(int port) {
        this.targetPorts = new int[] {port};
    }

    /**
     * @param on whether what the targets send is dropped from now on (what clients send still reaches them): the
     *           requests are served, their replies lost
     */
    public void swallowAnswers(boolean on) {
        swallowAnswers = on;
    }

    /**
     * @param prefix how the client's bytes to hold back begin (an HTTP method and a space: each request is one
     *               write of its client, so it begins a chunk)
     * @param by     how long they wait before they reach the target, the connection's later bytes behind them
     */
    public void delayRequests(String prefix, java.time.Duration by) {
        delay = new Delay(prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII), by);
    }

    /** @return the requests answered so far, each with its status line, in the order the answers came */
    public java.util.List<Exchange> exchanges() {
        return exchanges;
    }

    /** Closes every connection open now; new ones are still accepted and forwarded. */
    public void cut() {
        open.forEach(TcpForwarder::closeQuietly);
    }

    /**
     * The target becomes unreachable, its data kept: new connections go to a loopback port nothing listens on, and
     * the open ones are cut. {@link #retarget} to the target again ends it.
     */
    public void cutOff() {
        int nothing;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nothing = socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        retarget(nothing);
        cut();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        int[] ports = targetPorts;
        int targetPort = ports[Math.floorMod(next.getAndIncrement(), ports.length)];
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        java.util.Queue<String> asked = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread.ofVirtual().start(() -> pump(client, upstream, false, asked));
        pump(upstream, client, true, asked);
    }

    /**
     * Copies until either side ends, then closes both: a half-open pair would hide a dead replica. Request heads
     * and answers' status lines that begin a chunk are paired in {@link #exchanges}.
     */
    private void pump(Socket from, Socket to, boolean answers, java.util.Queue<String> asked) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (answers && swallowAnswers) {
                    continue;
                }
                Delay held = delay;
                if (!answers && held != null && startsWith(buffer, n, held.prefix())) {
                    Thread.sleep(held.by());
                }
                String start = new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!answers && start.matches("(?s)[A-Z]+ /.*")) {
                    int end = start.indexOf("\r\n\r\n");
                    asked.add(end < 0 ? start : start.substring(0, end));
                } else if (answers && start.startsWith("HTTP/") && !asked.isEmpty()) {
                    exchanges.add(new Exchange(asked.poll(), start.substring(0, Math.max(0, start.indexOf("\r\n")))));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static boolean startsWith(byte[] bytes, int length, byte[] prefix) {
        return length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(TcpForwarder::closeQuietly);
    }
}
