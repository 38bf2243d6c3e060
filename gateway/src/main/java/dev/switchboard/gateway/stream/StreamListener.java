package dev.switchboard.gateway.stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.auth.AuthException;
import dev.switchboard.gateway.auth.AuthFilter;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.TransportErrors;
import dev.switchboard.gateway.http.CorsPolicy;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RateLimitFilter;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.registry.StoreUnavailableException;

import io.helidon.http.Status;

/**
 * {@code STREAM_PORT}: the generic {@code GET /sse/{clientId}} streams on one event loop instead of a
 * thread per connection. An idle stream here is a socket, a selection key and its {@link SseStream}: no
 * read buffer, no parked stack, no request objects. Opening a stream (authentication, limits, the
 * store's replay) runs on a short-lived virtual thread through the same {@link ClientStreamService} as
 * the public listener's {@code /sse}, so both answer alike; only the writing differs. Responses are
 * delimited by the connection's close ({@code Connection: close}), which every SSE client reads.
 */
public final class StreamListener implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(StreamListener.class.getName());
    /** Largest request head: a stream request is a line and a few headers. */
    static final int MAX_HEAD = 8 * 1024;
    /** Connections reading their head or being opened, at most: beyond, new ones are turned away. */
    static final int MAX_OPENING = 4096;
    private static final Status HEAD_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private static final String CACHE_CONTROL = "no-cache, no-store, must-revalidate, no-transform";

    private final ClientStreamService streams;
    private final AuthFilter auth;
    private final Optional<RateLimitFilter> perAddress;
    private final long headTimeoutNanos;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private final ExecutorService setup = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Queue<Connection> ready = new ConcurrentLinkedQueue<>();
    /** Loop thread only. */
    private final Set<Connection> opening = new HashSet<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(1024);
    private volatile boolean running = true;
    private long nextExpiryCheck;

    /** One accepted connection, from its head to its end. Loop thread only, except {@link #scheduled}. */
    private static final class Connection {
        final SocketChannel channel;
        final long headDeadline;
        SelectionKey key;
        ByteBuffer head = ByteBuffer.allocate(512);
        ClientStreamService.Opened opened;
        ByteBuffer pending;
        boolean closeAfterWrite;
        boolean closed;
        final AtomicBoolean scheduled = new AtomicBoolean();

        Connection(SocketChannel channel, long headDeadline) {
            this.channel = channel;
            this.headDeadline = headDeadline;
        }
    }

    private StreamListener(ClientStreamService streams, AuthFilter auth, Optional<RateLimitFilter> perAddress,
                           long headTimeoutNanos, ServerSocketChannel server, Selector selector) {
        this.streams = streams;
        this.auth = auth;
        this.perAddress = perAddress;
        this.headTimeoutNanos = headTimeoutNanos;
        this.server = server;
        this.selector = selector;
        this.loop = Thread.ofPlatform().name("switchboard-stream-listener").daemon().unstarted(this::run);
    }

    /**
     * Binds and starts the listener.
     *
     * @param host        address to bind
     * @param port        port to bind (0: any free one)
     * @param streams     opens and ends streams
     * @param auth        client authentication and the per-identity limit
     * @param perAddress  the per-address rate limit, when configured (shared with the public listener)
     * @param headTimeout how long a connection may take to send its request head
     * @return the running listener
     * @throws IOException when the port cannot be bound
     */
    public static StreamListener start(String host, int port, ClientStreamService streams, AuthFilter auth,
                                       Optional<RateLimitFilter> perAddress, java.time.Duration headTimeout)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(host, port), 4096);
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        StreamListener listener = new StreamListener(streams, auth, perAddress, headTimeout.toNanos(), server,
                                                     selector);
        listener.loop.start();
        return listener;
    }

    /** @return the bound port */
    public int port() {
        return server.socket().getLocalPort();
    }

    private void run() {
        while (running) {
            try {
                selector.select(1000);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Connection woken;
                while ((woken = ready.poll()) != null) {
                    woken.scheduled.set(false);
                    flush(woken);
                }
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Connection c = (Connection) key.attachment();
                        if (key.isReadable()) {
                            read(c);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(c);
                        }
                    }
                }
                expireHeads();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOGGER.log(Level.WARNING, "stream listener loop", e);
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            if (opening.size() >= MAX_OPENING) {
                // a flood of connections that send nothing must not take the loop's memory
                channel.close();
                continue;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(channel, System.nanoTime() + headTimeoutNanos);
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            opening.add(c);
        }
    }

    private void read(Connection c) {
        try {
            if (c.head != null) {
                readHead(c);
                return;
            }
            scratch.clear();
            // a stream's client has nothing more to say: any bytes are dropped, the end of input ends it
            if (c.channel.read(scratch) < 0) {
                end(c, CloseReason.CLIENT_GONE);
            }
        } catch (IOException e) {
            end(c, CloseReason.CLIENT_GONE);
        }
    }

    private void readHead(Connection c) throws IOException {
        if (!c.head.hasRemaining()) {
            if (c.head.capacity() >= MAX_HEAD) {
                respond(c, new ApiException(HEAD_TOO_LARGE, "HEAD_TOO_LARGE",
                                            "request head larger than " + MAX_HEAD + " bytes"), Map.of());
                return;
            }
            ByteBuffer larger = ByteBuffer.allocate(Math.min(MAX_HEAD, c.head.capacity() * 4));
            c.head.flip();
            larger.put(c.head);
            c.head = larger;
        }
        if (c.channel.read(c.head) < 0) {
            close(c);
            return;
        }
        c.head.flip();
        RequestHead head;
        try {
            head = RequestHead.parse(c.head);
        } catch (RuntimeException e) {
            // MalformedException says what; anything else the parser missed is still the client's bad head
            c.head = null;
            respond(c, e instanceof RequestHead.MalformedException m
                    ? TransportErrors.refusal(m.status(), m.getMessage())
                    : new ApiException(Status.BAD_REQUEST_400, "BAD_REQUEST", "malformed request head"), Map.of());
            return;
        }
        if (head == null) {
            c.head.compact();
            return;
        }
        c.head = null;
        c.key.interestOps(0);
        java.net.SocketAddress peer = c.channel.getRemoteAddress();
        setup.execute(() -> open(c, head, peer));
    }

    /** On a virtual thread: everything that may block or call the store. */
    private void open(Connection c, RequestHead head, java.net.SocketAddress peer) {
        Map<String, String> extra = Map.of();
        try {
            String path = head.path();
            if (!path.startsWith("/sse/") || path.length() == 5 || path.indexOf('/', 5) >= 0) {
                throw new ApiException(Status.NOT_FOUND_404, "NOT_FOUND", "no route for " + head.method() + " "
                        + path + " on the stream listener (it serves GET /sse/{clientId})");
            }
            if (CorsPolicy.isPreflight(head.method(), head.headers())) {
                Map<String, String> allow = streams.preflightHeaders(head.headers());
                submit(() -> respondEmpty(c, allow));
                return;
            }
            if (!head.method().equals("GET")) {
                extra = Map.of("Allow", "GET, OPTIONS");
                throw new ApiException(Status.METHOD_NOT_ALLOWED_405, "METHOD_NOT_ALLOWED",
                                       head.method() + " is not allowed here; use GET");
            }
            if (perAddress.isPresent()) {
                long wait = perAddress.get().waitNanos(peer, head.headers());
                if (wait > 0) {
                    long seconds = RateLimitFilter.retryAfterSeconds(wait);
                    extra = Map.of("Retry-After", String.valueOf(seconds));
                    throw perAddress.get().refusal(seconds);
                }
            }
            Identity identity;
            try {
                identity = auth.admit(path, head.headers());
            } catch (AuthException e) {
                boolean challenge = e.status() == Status.UNAUTHORIZED_401 || e.status() == Status.FORBIDDEN_403;
                extra = challenge ? Map.of("WWW-Authenticate", auth.challenge(e)) : Map.of();
                throw new ApiException(e.status(), e.code(), e.getMessage());
            }
            long wait = auth.identityWaitNanos(identity);
            if (wait > 0) {
                long seconds = RateLimitFilter.retryAfterSeconds(wait);
                extra = Map.of("Retry-After", String.valueOf(seconds));
                AuthException limited = auth.rateLimited(seconds);
                throw new ApiException(limited.status(), limited.code(), limited.getMessage(),
                                       Map.of("retry_after_seconds", seconds));
            }
            ClientStreamService.Opened opened = streams.open(path.substring(5), head.headers(), head.query(),
                                                             identity);
            byte[] start = startOf(opened);
            submit(() -> begin(c, opened, start));
        } catch (ApiException e) {
            Map<String, String> headers = extra;
            submit(() -> respond(c, e, headers));
        } catch (StoreUnavailableException e) {
            streams.metrics().redisError();
            LOGGER.log(Level.WARNING, "state store unavailable: {0}", e.getMessage());
            submit(() -> respond(c, new ApiException(Status.SERVICE_UNAVAILABLE_503, "STATE_UNAVAILABLE",
                                                     "the state store (Redis) is unavailable; retry later"), Map.of()));
        } catch (RuntimeException e) {
            LOGGER.log(Level.SEVERE, "unexpected error opening a stream", e);
            submit(() -> respond(c, new ApiException(Status.INTERNAL_SERVER_ERROR_500, "INTERNAL_ERROR",
                                                     "internal error; see the gateway log"), Map.of()));
        }
    }

    /** The response head, the {@code connected} event and the replay, as one write. */
    private byte[] startOf(ClientStreamService.Opened opened) {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n")
                .append("Content-Type: text/event-stream; charset=utf-8\r\n")
                .append("Cache-Control: ").append(CACHE_CONTROL).append("\r\n")
                .append("X-Accel-Buffering: no\r\n")
                .append("Connection: close\r\n");
        opened.allowOrigin().ifPresent(origin -> head.append("Access-Control-Allow-Origin: ").append(origin)
                .append("\r\n"));
        if (streams.corsVariesByOrigin()) {
            head.append("Vary: Origin\r\n");
        }
        head.append("\r\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(opened.start());
        return out.toByteArray();
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Loop thread: the stream is open; write its start, then whatever it is woken for. */
    private void begin(Connection c, ClientStreamService.Opened opened, byte[] start) {
        opening.remove(c);
        c.opened = opened.written();
        if (c.closed || !c.channel.isOpen()) {
            // the client left while its stream was being opened
            setup.execute(() -> streams.finish(opened, CloseReason.CLIENT_GONE));
            return;
        }
        streams.metrics().written(opened.replayed() + 1, false);
        c.pending = ByteBuffer.wrap(start);
        c.key.interestOps(SelectionKey.OP_READ);
        opened.stream().wakeWith(() -> {
            if (c.scheduled.compareAndSet(false, true)) {
                ready.add(c);
                selector.wakeup();
            }
        });
    }

    /** Loop thread: writes what is pending, then what the stream has due, until the socket is full. */
    private void flush(Connection c) {
        if (c.closed) {
            return;
        }
        try {
            while (true) {
                if (c.pending != null) {
                    c.channel.write(c.pending);
                    if (c.pending.hasRemaining()) {
                        c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
                        return;
                    }
                    c.pending = null;
                    if (c.closeAfterWrite) {
                        close(c);
                        return;
                    }
                }
                if (c.opened == null) {
                    c.key.interestOps(0);
                    return;
                }
                SseStream stream = c.opened.stream();
                CloseReason reason = stream.closeReason();
                if (reason != null) {
                    end(c, reason);
                    return;
                }
                SseStream.Chunk chunk = stream.drain();
                if (chunk == null) {
                    c.key.interestOps(SelectionKey.OP_READ);
                    return;
                }
                streams.metrics().written(chunk.events(), chunk.heartbeat());
                c.pending = ByteBuffer.wrap(chunk.bytes());
            }
        } catch (IOException e) {
            end(c, CloseReason.CLIENT_GONE);
        }
    }

    /** Loop thread: an open stream ends (a retry hint first when the gateway is stopping). */
    private void end(Connection c, CloseReason reason) {
        if (c.closed) {
            return;
        }
        if (reason == CloseReason.SHUTDOWN && c.pending == null) {
            try {
                c.channel.write(ByteBuffer.wrap(SseEncoder.retry(ClientStreamService.reconnectHintMillis())));
            } catch (IOException e) {
                // leaving anyway
            }
        }
        close(c);
        ClientStreamService.Opened opened = c.opened;
        if (opened != null) {
            opened.stream().close(reason);
            // the directory lives in the store: not on the loop
            setup.execute(() -> streams.finish(opened, reason));
        }
    }

    /** Loop thread: an error answer, then the connection closes. */
    private void respond(Connection c, ApiException error, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("Cache-Control", CACHE_CONTROL);
        all.putAll(headers);
        answer(c, error.status(), all, Json.write(Json.errorBody(error)).getBytes(StandardCharsets.UTF_8));
    }

    /** Loop thread: a 204 (a preflight's answer), then the connection closes. */
    private void respondEmpty(Connection c, Map<String, String> headers) {
        answer(c, Status.NO_CONTENT_204, headers, null);
    }

    /** Loop thread: one whole answer (no body for a 204), then the connection closes. */
    private void answer(Connection c, Status status, Map<String, String> headers, byte[] body) {
        opening.remove(c);
        if (c.closed) {
            return;
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status.code()).append(' ')
                .append(status.reasonPhrase()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] bodyBytes = body == null ? new byte[0] : body;
        c.pending = ByteBuffer.allocate(headBytes.length + bodyBytes.length).put(headBytes).put(bodyBytes).flip();
        c.closeAfterWrite = true;
        flush(c);
    }

    private void close(Connection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        opening.remove(c);
        c.key.cancel();
        try {
            c.channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    /** Connections that have not sent a whole head in time are dropped (a slow-loris guard). */
    private void expireHeads() {
        long now = System.nanoTime();
        if (now - nextExpiryCheck < 0) {
            return;
        }
        nextExpiryCheck = now + 250_000_000L;
        List<Connection> late = new ArrayList<>();
        for (Connection c : opening) {
            if (c.head != null && now - c.headDeadline > 0) {
                late.add(c);
            }
        }
        late.forEach(this::close);
    }

    /** Stops accepting; streams still open are closed (the gateway ends them with a hint before this). */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c && c.opened != null && !c.closed) {
                c.closed = true;
                streams.finish(c.opened, CloseReason.SHUTDOWN);
            }
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
            server.close();
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "stream listener close", e);
        }
        setup.shutdown();
    }
}
