package dev.switchboard.gateway.invoke.http1;

import dev.switchboard.gateway.http.AsciiBytes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;

/**
 * A lean HTTP/1.1 client: the caller's thread writes the request and reads the answer on a blocking socket
 * taken from the endpoint's pool of kept-alive connections (or opened, through the resolver, to the address
 * it returned). A connection returns to the pool only once its answer was read to its end.
 *
 * <p>A kept-alive connection may have been closed by the server while it sat in the pool; the pool checks
 * before use, and if the exchange still fails in a way that shows the server never took the request, it is
 * sent once more on a new connection: when writing it failed, or when no byte of an answer came and either
 * the method is idempotent or the connection was reset (the server had closed it unread).
 */
public final class Http1Client implements AutoCloseable {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    private static final Set<String> BODY_EXPECTED = Set.of("POST", "PUT", "PATCH");
    /** Request bodies up to this size fit in the socket's send buffer: their write is not watched. */
    static final int WRITE_WATCHED_ABOVE = 32 * 1024;

    /** Turns a host into the one address to connect to (where the egress guard applies). */
    @FunctionalInterface
    public interface Resolver {
        /**
         * @param host the URI's host (an IPv6 literal in brackets)
         * @return the address to connect to
         * @throws IOException when it does not resolve
         */
        InetAddress resolve(String host) throws IOException;
    }

    /**
     * @param connectTimeout  bound of opening a connection (TLS handshake included), or the request's read
     *                        timeout when shorter
     * @param idlePerEndpoint idle connections kept per endpoint
     * @param idleTimeout     how long an idle connection is kept
     */
    public record Limits(Duration connectTimeout, int idlePerEndpoint, Duration idleTimeout) {}

    private final Resolver resolver;
    private final SSLSocketFactory tls;
    private final Limits limits;
    private final ConnectionPool pool;
    private final ScheduledExecutorService sweeper;
    private final long sweepMillis;
    /** A sweep is scheduled. */
    private final java.util.concurrent.atomic.AtomicBoolean sweepDue = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param resolver where each connection goes
     * @param tls      TLS sockets for {@code https} (the certificate's host name is verified)
     * @param limits   the pool's bounds and the connect timeout
     */
    public Http1Client(Resolver resolver, SSLSocketFactory tls, Limits limits) {
        this.resolver = resolver;
        this.tls = tls;
        this.limits = limits;
        this.pool = new ConnectionPool(limits.idlePerEndpoint(), limits.idleTimeout());
        ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "switchboard-function-connections");
            t.setDaemon(true);
            return t;
        });
        // a watched write's task is cancelled when the write ends: it leaves the queue at once
        sweeper.setRemoveOnCancelPolicy(true);
        this.sweeper = sweeper;
        this.sweepMillis = Math.max(100, Math.min(5_000, limits.idleTimeout().toMillis() / 2));
    }

    /**
     * A connection came back to the pool: a sweep is due within the period. Sweeps run only while the pool holds
     * connections, so that a gateway calling no function wakes no thread for them (each wake-up of a sleeping
     * thread costs a small VM a fraction of a millisecond).
     */
    private void giveBack(Http1Connection connection) {
        pool.give(connection);
        if (!sweepDue.get() && sweepDue.compareAndSet(false, true)) {
            try {
                sweeper.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile: the pool closed what it held
            }
        }
    }

    /** Closes what idled too long; due again while anything is left (cleared first, so no return goes unswept). */
    private void sweep() {
        pool.sweep();
        sweepDue.set(false);
        if (pool.idleCount() > 0 && sweepDue.compareAndSet(false, true)) {
            sweeper.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends a request and reads its answer's head; the caller reads the body and closes the answer.
     *
     * @param request what to send
     * @return the answer
     * @throws IOException when the endpoint cannot be reached or the exchange fails
     */
    public Http1Response send(Http1Request request) throws IOException {
        Endpoint endpoint = Endpoint.of(request.uri());
        AsciiBytes head = head(request, endpoint);
        Http1Connection pooled = pool.take(endpoint);
        if (pooled != null) {
            try {
                return exchange(pooled, request, head);
            } catch (Failed failed) {
                pooled.close();
                if (!failed.showsStaleConnection(request.method())) {
                    throw failed.cause();
                }
                // the server had closed the kept-alive connection: once more, on a new one
            } catch (RuntimeException e) {
                pooled.close();
                throw e;
            }
        }
        Http1Connection fresh = connect(endpoint, request.readTimeout(), request.control());
        try {
            return exchange(fresh, request, head);
        } catch (Failed failed) {
            fresh.close();
            throw failed.cause();
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private Http1Connection connect(Endpoint endpoint, Duration readTimeout, CallControl control) throws IOException {
        InetAddress address = resolver.resolve(endpoint.host());
        Duration timeout = readTimeout.compareTo(limits.connectTimeout()) < 0 ? readTimeout : limits.connectTimeout();
        if (control != null) {
            if (control.passed()) {
                throw new SocketTimeoutException("the call's deadline passed");
            }
            timeout = control.remaining().compareTo(timeout) < 0 ? control.remaining() : timeout;
        }
        return Http1Connection.open(endpoint, new InetSocketAddress(address, endpoint.port()), timeout, tls);
    }

    private Http1Response exchange(Http1Connection connection, Http1Request request, AsciiBytes head) throws Failed {
        CallControl control = request.control();
        try {
            if (control != null) {
                control.attach(connection);
            }
            connection.exchangeBounds(request.readTimeout(), control);
            write(connection, head, request.body(), control);
        } catch (IOException e) {
            throw new Failed(e, true, true);
        }
        ResponseHead answer;
        try {
            answer = ResponseHead.read(connection);
        } catch (IOException e) {
            throw new Failed(e, false, !connection.answerBegun());
        }
        try {
            long length = answer.bodyLength(request.method());
            ResponseBody body = new ResponseBody(connection, length, answer.keepsAlive(), this::giveBack);
            return new Http1Response(answer, length, body);
        } catch (IOException e) {
            throw new Failed(e, false, false);
        }
    }

    /**
     * A write blocks only when the function does not read and the socket's buffers are full: a small
     * request never does, so only a large one is watched, by a task that closes the connection at the
     * deadline (reads check the deadline themselves).
     */
    private void write(Http1Connection connection, AsciiBytes head, byte[] body, CallControl control)
            throws IOException {
        // a small body is in the head's array already
        byte[] after = Http1Connection.sentWithHead(body) ? null : body;
        if (control == null || after == null || after.length <= WRITE_WATCHED_ABOVE) {
            connection.write(head, after);
            return;
        }
        ScheduledFuture<?> watch =
                sweeper.schedule(connection::close, control.remaining().toNanos(), TimeUnit.NANOSECONDS);
        try {
            connection.write(head, after);
        } finally {
            watch.cancel(false);
        }
    }

    /**
     * The request line, {@code Host}, the request's headers and {@code Content-Length}, as bytes, followed by the
     * body when it goes in the same write ({@link Http1Connection#sentWithHead}); written as often as the request is
     * sent (a stale pooled connection's request is sent again).
     */
    private static AsciiBytes head(Http1Request request, Endpoint endpoint) {
        String path = request.uri().getRawPath();
        String query = request.uri().getRawQuery();
        byte[] body = request.body();
        boolean bodyWithHead = Http1Connection.sentWithHead(body);
        AsciiBytes head = new AsciiBytes(512 + (bodyWithHead ? body.length : 0));
        head.append(request.method()).append(' ').append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\nHost: ");
        endpoint.appendHostHeader(head).crlf();
        request.headers().appendTo(head);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).crlf();
        } else if (BODY_EXPECTED.contains(request.method())) {
            head.append("Content-Length: 0\r\n");
        }
        head.crlf();
        return bodyWithHead ? head.append(body) : head;
    }

    /** @return idle connections held (for tests and metrics) */
    public int idleConnections() {
        return pool.idleCount();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        pool.close();
    }

    /** How an exchange failed, so that a stale connection can be told apart from a failing function. */
    private static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean writing;
        private final boolean nothingAnswered;

        Failed(IOException cause, boolean writing, boolean nothingAnswered) {
            super(cause);
            this.writing = writing;
            this.nothingAnswered = nothingAnswered;
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }

        IOException cause() {
            return getCause();
        }

        boolean showsStaleConnection(String method) {
            IOException cause = getCause();
            if (Thread.currentThread().isInterrupted()
                    || cause instanceof ClosedByInterruptException
                    || cause instanceof InterruptedIOException // a read timed out: the server is slow, not gone
                    || cause instanceof SocketTimeoutException) {
                return false;
            }
            if (writing) {
                return true;
            }
            return nothingAnswered && (IDEMPOTENT.contains(method) || isReset(cause));
        }

        private static boolean isReset(IOException e) {
            return e instanceof SocketException
                    && e.getMessage() != null
                    && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset");
        }
    }
}
