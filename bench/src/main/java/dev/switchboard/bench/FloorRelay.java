package dev.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;

/**
 * The least a Java process can do to stand where the gateway stands in {@code POST /invoke}: take a keep-alive
 * request, send it to the function over a connection of its own, and return the answer, bytes unchanged. No
 * parsing beyond the framing (the head and {@code Content-Length}; a message without one is refused), no
 * routing, no JSON. Two ways, as the gateway's own parts are built:
 * <ul>
 *   <li>{@code loop}: every socket on one selector thread, non-blocking, as nginx's worker (and the stream
 *       listener's loop) serves them;
 *   <li>{@code thread}: a virtual thread per client connection, blocking reads and writes, as the gateway's
 *       exchanges run.
 * </ul>
 * {@link CallFloor} runs both beside nginx and the gateway, so a run shows how much of the gateway's cost per
 * call the JVM and the threading take, and how much is the gateway's own work. A measuring instrument: it
 * relays only loopback traffic to one upstream, with buffers bounded at {@link #MAX_MESSAGE} bytes.
 *
 * <pre>java -cp switchboard-bench.jar dev.switchboard.bench.FloorRelay loop|thread PORT UPSTREAM_PORT</pre>
 */
final class FloorRelay implements AutoCloseable {
    /** Largest request or answer relayed, head and body; a larger one closes its connection. */
    static final int MAX_MESSAGE = 64 * 1024;

    private final ServerSocketChannel loopServer;
    private final ServerSocket threadServer;
    private final Thread acceptor;

    private FloorRelay(ServerSocketChannel loopServer, ServerSocket threadServer, Thread acceptor) {
        this.loopServer = loopServer;
        this.threadServer = threadServer;
        this.acceptor = acceptor;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3 || !(args[0].equals("loop") || args[0].equals("thread"))) {
            System.err.println("usage: FloorRelay loop|thread PORT UPSTREAM_PORT");
            System.exit(2);
        }
        FloorRelay relay = start(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        System.out.println("relaying " + args[1] + " -> " + args[2] + " (" + args[0] + ")");
        relay.acceptor.join();
    }

    /**
     * @param mode     {@code loop} or {@code thread}
     * @param port     where to listen on loopback (0: any free port)
     * @param upstream the function's port on loopback
     * @return the running relay
     */
    static FloorRelay start(String mode, int port, int upstream) throws IOException {
        InetSocketAddress function = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream);
        if (mode.equals("loop")) {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            Thread loop = Thread.ofPlatform()
                    .name("floor-relay-loop")
                    .start(() -> new Loop(selector, server, function).run());
            return new FloorRelay(server, null, loop);
        }
        ServerSocket server = new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
        Thread acceptor = Thread.ofPlatform().name("floor-relay-accept").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread.ofVirtual().start(() -> relayBlocking(client, function));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new FloorRelay(null, server, acceptor);
    }

    /** @return the port it listens on */
    int port() {
        return loopServer != null ? loopServer.socket().getLocalPort() : threadServer.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        if (loopServer != null) {
            loopServer.close();
        } else {
            threadServer.close();
        }
        acceptor.interrupt();
    }

    private static void relayBlocking(Socket client, InetSocketAddress function) {
        try (client;
                Socket upstream = new Socket(function.getAddress(), function.getPort())) {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            InputStream fromFunction = upstream.getInputStream();
            OutputStream toFunction = upstream.getOutputStream();
            byte[] request = new byte[MAX_MESSAGE];
            byte[] answer = new byte[MAX_MESSAGE];
            while (true) {
                int n = readMessage(fromClient, request);
                if (n < 0) {
                    return;
                }
                toFunction.write(request, 0, n);
                int m = readMessage(fromFunction, answer);
                if (m < 0) {
                    return;
                }
                toClient.write(answer, 0, m);
            }
        } catch (IOException e) {
            // the client or the function closed: so does the relay, as a proxy would
        }
    }

    /** @return the length of the one whole message read into {@code buffer}, or -1 at end of stream */
    private static int readMessage(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (true) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return -1;
            }
            filled += n;
            int whole = messageLength(ByteBuffer.wrap(buffer, 0, filled).position(filled));
            if (whole >= 0 && filled >= whole) {
                // a pipelined second request is not something the harness sends
                return whole;
            }
            if (filled == buffer.length) {
                throw new IOException("message larger than " + MAX_MESSAGE + " bytes");
            }
        }
    }

    /**
     * @param buffer bytes from index 0 to its position
     * @return the head's length plus its {@code Content-Length}, or -1 while the head is incomplete
     * @throws IOException when the head has no {@code Content-Length} (chunked or until-close bodies are not
     *                     relayed) and is not a request without a body
     */
    static int messageLength(ByteBuffer buffer) throws IOException {
        int end = buffer.position();
        for (int i = 3; i < end; i++) {
            if (buffer.get(i) == '\n'
                    && buffer.get(i - 1) == '\r'
                    && buffer.get(i - 2) == '\n'
                    && buffer.get(i - 3) == '\r') {
                byte[] head = new byte[i + 1];
                buffer.get(0, head);
                String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                int at = text.indexOf("\r\ncontent-length:");
                if (at < 0) {
                    if (text.startsWith("get ") || text.startsWith("head ")) {
                        return i + 1;
                    }
                    throw new IOException("a message without Content-Length");
                }
                int valueFrom = at + "\r\ncontent-length:".length();
                int length = Integer.parseInt(
                        text.substring(valueFrom, text.indexOf('\r', valueFrom)).trim());
                return i + 1 + length;
            }
        }
        return -1;
    }

    /** The selector loop: each client connection paired with a function connection of its own. */
    private static final class Loop {
        private final Selector selector;
        private final ServerSocketChannel server;
        private final InetSocketAddress function;

        Loop(Selector selector, ServerSocketChannel server, InetSocketAddress function) {
            this.selector = selector;
            this.server = server;
            this.function = function;
        }

        void run() {
            while (server.isOpen()) {
                try {
                    selector.select();
                } catch (IOException e) {
                    return;
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            ((Pair) key.attachment()).ready(key);
                        }
                    } catch (IOException | RuntimeException e) {
                        if (key.attachment() instanceof Pair pair) {
                            pair.close();
                        }
                    }
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        private void accept() throws IOException {
            SocketChannel client;
            while ((client = server.accept()) != null) {
                client.configureBlocking(false);
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SocketChannel upstream = SocketChannel.open(function);
                upstream.configureBlocking(false);
                upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Pair pair = new Pair(client, upstream);
                pair.clientKey = client.register(selector, SelectionKey.OP_READ, pair);
                pair.upstreamKey = upstream.register(selector, 0, pair);
            }
        }
    }

    /**
     * One client connection and its function connection. At any time one side is being read into
     * {@link #message} or written from it: request in, request out, answer in, answer out.
     */
    private static final class Pair {
        private final SocketChannel client;
        private final SocketChannel upstream;
        private final ByteBuffer message = ByteBuffer.allocateDirect(MAX_MESSAGE);
        SelectionKey clientKey;
        SelectionKey upstreamKey;

        Pair(SocketChannel client, SocketChannel upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void ready(SelectionKey key) throws IOException {
            boolean fromClient = key == clientKey;
            if (key.isWritable()) {
                flushTo(fromClient ? client : upstream, key);
                return;
            }
            SocketChannel source = fromClient ? client : upstream;
            if (source.read(message) < 0) {
                close();
                return;
            }
            int whole = messageLength(message);
            if (whole < 0 || message.position() < whole) {
                if (!message.hasRemaining()) {
                    throw new IOException("message larger than " + MAX_MESSAGE + " bytes");
                }
                return;
            }
            message.flip();
            key.interestOps(0);
            SelectionKey target = fromClient ? upstreamKey : clientKey;
            flushTo(fromClient ? upstream : client, target);
        }

        /** Writes what is left of the message; once written, reads the answer (or the next request) from it. */
        private void flushTo(SocketChannel sink, SelectionKey sinkKey) throws IOException {
            sink.write(message);
            if (message.hasRemaining()) {
                sinkKey.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            message.clear();
            // the client, once answered, sends the next request; the function, once asked, answers (the
            // other side was set to wait when the message was complete)
            sinkKey.interestOps(SelectionKey.OP_READ);
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
