package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.admission.Verdict;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.mcp.McpEndpoint;
import dev.switchboard.gateway.mcp.McpRoute;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.gateway.trace.TracingFilter;
import io.helidon.http.Method;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event loops' requests that a loop does not hold ({@link ExchangeRoute}): on the MCP routes POST
 * (initialize, requests answered with JSON or SSE, notifications, batches), DELETE, the resume of a POST stream,
 * and an HTTP+SSE session's {@code POST /mcp/{name}/messages}; {@code POST /invoke/{function}},
 * {@code POST /publish/{topic}} and {@code POST /publish/mcp/{server}}. Each runs on a thread of its own over the connection ({@link ExchangeThreads}: a
 * platform thread while one is free, else a virtual one), now blocking and out of the loop's selector: the same
 * {@link Admission} pipeline as every request, the per-address stream count for a GET, then {@link McpEndpoint},
 * {@link InvokeExchange} or {@link PublishExchange}. So one URL serves the whole of Streamable HTTP and HTTP+SSE.
 * After a whole, framed answer the same thread waits for the client's next request
 * (keep-alive) and serves it too, or hands the connection back to the loop when the
 * loop holds that request (a GET stream); otherwise the connection closes.
 */
final class BlockingExchanges implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(BlockingExchanges.class.getName());
    /** After an answer, how long unread request bytes are drained, so that closing does not reset the answer. */
    private static final Duration DRAIN = Duration.ofSeconds(1);

    private static final int DRAIN_AT_MOST = 4 * 1024 * 1024;

    private final McpEndpoint endpoint;
    private final McpStreamOpener cors;
    private final InvokeExchange invoke;
    private final PublishExchange publish;
    private final Admission admission;
    private final AddressLimits limits;
    private final TracingFilter tracing;
    private final int readTimeoutMillis;
    private final long headTimeoutNanos;
    private final long keepAliveNanos;
    private final Set<SocketChannel> serving = ConcurrentHashMap.newKeySet();
    private final IdleConnections idle;
    private final ExchangeThreads threads;
    private final RateLimitedLog failures = new RateLimitedLog(
            LOGGER, Level.SEVERE, "unexpected error serving a request", Duration.ofMinutes(1), System::nanoTime);

    /**
     * @param endpoint    the Streamable HTTP endpoint
     * @param cors        the MCP routes' CORS headers
     * @param api         serves {@code POST /invoke/{function}} and the publishes
     * @param admission   the admission pipeline (shared by every port)
     * @param limits      the per-address stream counts (shared by every port)
     * @param tracing     the server spans of POST and DELETE
     * @param readTimeout how long a read of the request's body may wait ({@code REQUEST_HEAD_TIMEOUT})
     * @param keepAlive   how long a kept-alive connection may stay silent before its next request
     *                    ({@code KEEP_ALIVE_TIMEOUT})
     * @param idle        where a kept-alive connection is known as idle while it waits (the listener's cap sheds
     *                    the oldest)
     * @param threads     the threads that serve the connections
     */
    BlockingExchanges(
            McpEndpoint endpoint,
            McpStreamOpener cors,
            ApiRoutes api,
            Admission admission,
            AddressLimits limits,
            TracingFilter tracing,
            Duration readTimeout,
            Duration keepAlive,
            IdleConnections idle,
            ExchangeThreads threads) {
        this.endpoint = endpoint;
        this.cors = cors;
        this.invoke = api.invoke();
        this.publish = api.publish();
        this.admission = admission;
        this.limits = limits;
        this.tracing = tracing;
        this.readTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
        this.headTimeoutNanos = readTimeout.toNanos();
        this.keepAliveNanos = keepAlive.toNanos();
        this.idle = idle;
        this.threads = threads;
    }

    /**
     * Serves the connection's requests, one after the other while its answers leave it reusable, on a thread of
     * {@link ExchangeThreads} (the caller's returns at once), waiting for each next head on it ({@link HeadWait}:
     * {@code KEEP_ALIVE_TIMEOUT} from the last answer for its first byte, then {@code REQUEST_HEAD_TIMEOUT} for the
     * whole head). A next request the loop holds (a GET stream, a preflight) or cannot parse goes back to it.
     *
     * @param channel  the connection, no longer registered with the loop's selector
     * @param head     its request head
     * @param route    its route
     * @param leftover what the loop read past the head
     * @param peer     the client's address
     * @param done     given, once, the bytes of a request for the loop to read (its head may be partial), or null
     *                 when the connection ends (it then closes it)
     */
    void serve(
            SocketChannel channel,
            RequestHead head,
            ExchangeRoute route,
            byte[] leftover,
            SocketAddress peer,
            Consumer<byte[]> done) {
        serving.add(channel);
        threads.execute(() -> run(channel, new Next(head, route, leftover), 0, peer, done));
    }

    /**
     * @param next      the request to serve first, or {@link #WAIT} to wait for one
     * @param idleSince with {@link #WAIT}: when the connection's last answer ended ({@link System#nanoTime()})
     */
    private void run(SocketChannel channel, Next next, long idleSince, SocketAddress peer, Consumer<byte[]> done) {
        byte[] back = null;
        boolean moved = false;
        try (HeadWait wait = HeadWait.watching(channel);
                IdleConnections.Member member = idle.join(channel)) {
            channel.configureBlocking(true);
            // the next heads are read into this one buffer: each is copied out of it as it is parsed
            ByteBuffer heads = ByteBuffer.allocate(HEAD_BUFFER);
            boolean platform = ExchangeThreads.onPlatformThread();
            while (true) {
                byte[] unread = NOTHING;
                if (next != WAIT) {
                    if (!platform) {
                        threads.virtualRequestBegins();
                    }
                    SocketExchange exchange;
                    try {
                        exchange = serveOne(channel, next.head(), next.route(), next.bytes(), peer);
                    } finally {
                        if (!platform) {
                            threads.virtualRequestEnded();
                        }
                    }
                    if (!exchange.reusable()) {
                        channel.shutdownOutput();
                        drain(channel);
                        return;
                    }
                    unread = exchange.unread();
                    idleSince = System.nanoTime();
                }
                // more callers than platform threads (one is served on a virtual thread): all cost less on virtual
                // ones. Bytes of the next request already read stay with this thread
                boolean outnumbered = platform && unread.length == 0 && threads.outnumbered();
                next = outnumbered ? WAIT : nextRequest(channel, wait, member, heads, unread, idleSince, platform);
                if (next == WAIT) {
                    // silent past the linger, or outnumbered: its platform thread is for another connection. It
                    // stays idle since its answer (the keep-alive time-out, and its rank when the listener's cap
                    // sheds the oldest)
                    long since = idleSince;
                    threads.onVirtualThread(() -> run(channel, WAIT, since, peer, done));
                    moved = true;
                    return;
                }
                if (next == null || next.head() == null) {
                    back = next == null ? null : next.bytes();
                    return;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOGGER.log(Level.FINE, "request on the event loops ended early", e);
        } catch (RuntimeException e) {
            failures.log(e);
        } finally {
            if (!moved) {
                serving.remove(channel);
                done.accept(back);
            }
        }
    }

    /**
     * @param head  the next request's head when this thread serves it, else null (the bytes go to the loop)
     * @param route its route
     * @param bytes what was read past its head; or, for the loop, everything read
     */
    private record Next(RequestHead head, ExchangeRoute route, byte[] bytes) {}

    private static final byte[] NOTHING = new byte[0];

    /** A connection's buffer for its next heads: most are a few hundred bytes ({@link RequestHead#grown} else). */
    private static final int HEAD_BUFFER = 1024;

    /** No request yet: wait for the connection's next one. */
    private static final Next WAIT = new Next(null, null, NOTHING);

    /**
     * @param member    the connection's place among the listener's idle ones, idle while it waits here
     * @param heads     the connection's buffer for heads (its content is not kept across calls)
     * @param idleSince when the last answer ended ({@link System#nanoTime()})
     * @param linger    whether to wait only {@link ExchangeThreads#LINGER} for the first byte
     * @return the client's next request; {@link #WAIT} when it lingered and nothing came; or null when the
     *         connection ends (closed, silent too long, or shed at the listener's cap while idle)
     */
    private Next nextRequest(
            SocketChannel channel,
            HeadWait wait,
            IdleConnections.Member member,
            ByteBuffer heads,
            byte[] unread,
            long idleSince,
            boolean linger)
            throws IOException {
        // silence between requests is the client's keeping the connection for later; a head once begun must
        // arrive whole as a new connection's does
        boolean begun = unread.length > 0;
        long deadline = begun ? System.nanoTime() + headTimeoutNanos : idleSince + keepAliveNanos;
        if (!begun) {
            member.waiting(idleSince);
        }
        try {
            ByteBuffer buffer = unread.length <= heads.capacity() ? heads.clear() : ByteBuffer.allocate(unread.length);
            buffer.put(unread);
            while (true) {
                buffer.flip();
                RequestHead next;
                try {
                    next = RequestHead.parse(buffer);
                } catch (RuntimeException e) {
                    // the loop answers a malformed head as it does on a new connection: all of it, from its start
                    // (the parse may have moved past the head, and what follows it is no request of its own)
                    buffer.rewind();
                    return new Next(null, null, rest(buffer));
                }
                if (next != null) {
                    Optional<ExchangeRoute> route = ExchangeRoute.of(next.method(), next.path(), next.headers());
                    if (route.isPresent()) {
                        return new Next(next, route.get(), rest(buffer));
                    }
                    buffer.rewind();
                    return new Next(null, null, rest(buffer));
                }
                buffer.compact();
                if (!buffer.hasRemaining()) {
                    ByteBuffer larger = RequestHead.grown(buffer);
                    if (larger == null) {
                        buffer.flip();
                        return new Next(null, null, rest(buffer)); // too large: the loop refuses it
                    }
                    buffer = larger;
                }
                try {
                    int read;
                    if (!begun && linger) {
                        read = lingerRead(channel, buffer);
                        if (read == 0) {
                            return WAIT;
                        }
                    } else {
                        read = wait.read(buffer, deadline);
                    }
                    if (read < 0) {
                        return null;
                    }
                    if (!begun && read > 0) {
                        begun = true;
                        if (!member.busy()) {
                            return null; // shed as its request came: it is being closed
                        }
                        deadline = System.nanoTime() + headTimeoutNanos;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    return null;
                }
            }
        } finally {
            if (!begun) {
                member.busy();
            }
        }
    }

    /**
     * A read bounded by {@link ExchangeThreads#LINGER}: a timed read, on a platform thread, is a {@code poll} with a
     * time-out, no timer (the request's own reads set their time-out again).
     *
     * @return bytes read, 0 when none came in time, or -1 when the client closed the connection
     */
    private static int lingerRead(SocketChannel channel, ByteBuffer into) throws IOException {
        channel.socket().setSoTimeout((int) ExchangeThreads.LINGER.toMillis());
        try {
            int n = channel.socket()
                    .getInputStream()
                    .read(into.array(), into.arrayOffset() + into.position(), into.remaining());
            if (n > 0) {
                into.position(into.position() + n);
            }
            return n;
        } catch (java.net.SocketTimeoutException e) {
            return 0;
        }
    }

    private static byte[] rest(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private SocketExchange serveOne(
            SocketChannel channel, RequestHead head, ExchangeRoute route, byte[] leftover, SocketAddress peer)
            throws IOException {
        channel.socket().setSoTimeout(readTimeoutMillis);
        java.util.Map<String, String> routeCors = switch (route) {
            case ExchangeRoute.Mcp m -> cors.corsHeaders(head.headers());
            case ExchangeRoute.Invoke i -> invoke.corsHeaders(head.headers());
            case ExchangeRoute.Publish p -> java.util.Map.<String, String>of();
            case ExchangeRoute.McpPublish p -> java.util.Map.<String, String>of();
        };
        SocketExchange exchange =
                new SocketExchange(channel, head, route.name(), leftover, routeCors, readTimeoutMillis);
        tracing.traced(
                () -> Method.create(head.method()),
                head.path(),
                name -> head.headers()
                        .first(io.helidon.http.HeaderNames.create(name))
                        .orElse(null),
                () -> {
                    try {
                        answer(exchange, head, route, peer);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                exchange::statusCode);
        return exchange;
    }

    private void answer(SocketExchange exchange, RequestHead head, ExchangeRoute route, SocketAddress peer)
            throws IOException {
        Optional<ApiException> unframed = exchange.framingRefusal();
        if (unframed.isPresent()) {
            refuse(exchange, route, unframed.get());
            return;
        }
        switch (admission.admit(head.method(), head.path(), peer, head.headers())) {
            case Verdict.Refused refused -> {
                refused.refusal().headers().forEach(exchange::header);
                refuse(exchange, route, refused.refusal().error());
                return;
            }
            // preflights are answered by the loop; one reaching here is served as the public listener would
            case Verdict.Preflight p -> {}
            case Verdict.Admitted admitted -> exchange.identity(admitted.identity());
        }
        McpRoute mcpRoute;
        switch (route) {
            case ExchangeRoute.Invoke i -> {
                invoke.serve(exchange, i.name());
                return;
            }
            case ExchangeRoute.Publish p -> {
                publish.serve(exchange, p.name());
                return;
            }
            case ExchangeRoute.McpPublish p -> {
                publish.serveMcp(exchange, p.name());
                return;
            }
            case ExchangeRoute.Mcp m -> mcpRoute = m.route();
        }
        if (!head.method().equals("GET")) {
            // a POST that turns out to hold a stream (a listen request) counts it once it knows
            exchange.countStreamsWith(() -> {
                String address = limits.client(peer, head.headers());
                limits.acquireStream(address);
                return () -> limits.releaseStream(address);
            });
            endpoint.serve(mcpRoute.kind(), exchange);
            return;
        }
        // a GET holds a stream (a POST stream's resume): counted per address, as the loop's MCP streams are
        String address = limits.client(peer, head.headers());
        try {
            limits.acquireStream(address);
        } catch (ApiException refused) {
            // the generic error body
            exchange.sendError(refused);
            return;
        }
        try {
            endpoint.serve(mcpRoute.kind(), exchange);
        } finally {
            limits.releaseStream(address);
        }
    }

    /** A refusal in the route's error body: JSON-RPC under {@code /mcp}, the generic JSON error elsewhere. */
    private static void refuse(SocketExchange exchange, ExchangeRoute route, ApiException error) throws IOException {
        if (route instanceof ExchangeRoute.Mcp) {
            McpEndpoint.refuse(exchange, error);
        } else {
            exchange.sendError(error);
        }
    }

    /**
     * What the client still sends (a body the answer did not need) is read and dropped for a moment: closing a
     * socket with unread bytes resets the connection, and the client could lose the answer.
     */
    private static void drain(SocketChannel channel) throws IOException {
        channel.socket().setSoTimeout((int) DRAIN.toMillis());
        InputStream in = channel.socket().getInputStream();
        byte[] scratch = new byte[8192];
        long deadline = System.nanoTime() + DRAIN.toNanos();
        int drained = 0;
        try {
            int n;
            while (drained < DRAIN_AT_MOST && System.nanoTime() - deadline < 0 && (n = in.read(scratch)) > 0) {
                drained += n;
            }
        } catch (java.net.SocketTimeoutException e) {
            // the client keeps the connection open: closing is fine now
        }
    }

    /** Ends the requests still being served (the gateway stops). */
    @Override
    public void close() {
        for (SocketChannel channel : serving) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
