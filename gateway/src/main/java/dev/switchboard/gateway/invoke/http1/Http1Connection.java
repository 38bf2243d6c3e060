package dev.switchboard.gateway.invoke.http1;

import dev.switchboard.gateway.http.AsciiBytes;
import dev.switchboard.gateway.net.ReadMark;
import dev.switchboard.gateway.net.ReadWatch;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One connection to an endpoint: a blocking socket channel (TLS over it for {@code https}) and a read buffer.
 * Blocking I/O on a channel suits the virtual threads that use it: a socket timeout bounds each read (under a
 * {@link CallControl}, {@link ReadWatch} does instead, by the read's timeout and the call's deadline, and runs the
 * call's idle action when the read is silent), and {@link #close()}, from any thread (a cancelled call),
 * ends a read blocked on it, as an interrupt of that thread would (a stopping gateway). Used by one exchange
 * at a time.
 */
final class Http1Connection implements AutoCloseable, ReadWatch.Watched {
    private static final int BUFFER = 8 * 1024;

    private final Endpoint endpoint;
    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER];
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private int position;
    private int limit;
    private long bytesRead;
    /** {@link #bytesRead} when the current request was written. */
    private long bytesReadBeforeRequest;

    private long idleSinceNanos;
    private volatile boolean closed;
    /** The current exchange's control, or null; with it, each read's socket timeout is computed before the read. */
    private CallControl control;

    private long readTimeoutNanos;
    private int soTimeoutMillis = -1;

    /** When the read in progress must end, for {@link ReadWatch}. */
    private final ReadMark readMark = new ReadMark();
    /**
     * When the read in progress, silent so far, runs the call's idle action ({@link System#nanoTime()});
     * {@link Long#MAX_VALUE} for none.
     */
    private volatile long idleMark = Long.MAX_VALUE;
    /** The control of the read in progress, for {@link ReadWatch} (the exchange's own field is the caller's). */
    private volatile CallControl watched;

    private Http1Connection(Endpoint endpoint, SocketChannel channel, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.channel = channel;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to the address the resolver checked; for TLS, verifies the certificate against the endpoint's
     * host name (or IP literal) during the handshake.
     *
     * @param endpoint       where to
     * @param address        the address to connect to, already allowed by the egress guard
     * @param connectTimeout bound of the connection and of the TLS handshake
     * @param tls            the TLS socket factory, for {@code https}
     * @return the open connection
     * @throws IOException when it cannot be opened
     */
    static Http1Connection open(
            Endpoint endpoint, InetSocketAddress address, Duration connectTimeout, SSLSocketFactory tls)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            Socket plain = channel.socket();
            plain.connect(address, timeout);
            if (!endpoint.secure()) {
                return watched(new Http1Connection(endpoint, channel, plain));
            }
            plain.setSoTimeout(timeout);
            SSLSocket secure = (SSLSocket) tls.createSocket(plain, endpoint.bareHost(), endpoint.port(), true);
            SSLParameters parameters = secure.getSSLParameters();
            // what a browser does: the certificate must name the host the URI names
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            // (the factory sets SNI from a host name itself)
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return watched(new Http1Connection(endpoint, channel, secure));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Its reads under a {@link CallControl} are bounded by {@link ReadWatch} from now until {@link #close}. */
    private static Http1Connection watched(Http1Connection connection) {
        ReadWatch.SHARED.watch(connection);
        return connection;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * @param timeout bound of one read
     * @param control the exchange's deadline, idle action and abort, or null
     */
    void exchangeBounds(Duration timeout, CallControl control) throws IOException {
        this.readTimeoutNanos = timeout.toNanos();
        this.control = control;
        if (control == null) {
            soTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        }
    }

    /** @return the control of the exchange in progress, or null */
    CallControl control() {
        return control;
    }

    private void soTimeout(int millis) throws IOException {
        if (millis != soTimeoutMillis) {
            socket.setSoTimeout(millis);
            soTimeoutMillis = millis;
        }
    }

    /** One read of the socket: under a {@link CallControl}, watched; else bounded by the socket's timeout. */
    private int socketRead(byte[] target, int offset, int length) throws IOException {
        if (control == null) {
            return in.read(target, offset, length);
        }
        return watchedRead(target, offset, length);
    }

    /**
     * A read bounded by {@link ReadWatch} rather than a socket timeout: untimed, so that waiting arms no timer
     * (the JDK's timed park costs a hand-over to its timer thread per read).
     */
    private int watchedRead(byte[] target, int offset, int length) throws IOException {
        long now = System.nanoTime();
        long mark = control.readMark(readTimeoutNanos, now);
        soTimeout(0);
        idleMark = control.idleMark(now);
        watched = control;
        readMark.arm(mark);
        ReadWatch.SHARED.reading();
        int read;
        try {
            read = in.read(target, offset, length);
        } catch (IOException e) {
            if (readMark.disarm()) {
                throw timedOut(e);
            }
            control.checkIdleAction();
            throw e;
        }
        if (readMark.disarm()) {
            // the watch closed the connection as the answer arrived: it cannot be used again
            throw timedOut(null);
        }
        return read;
    }

    private static java.net.SocketTimeoutException timedOut(IOException cause) {
        java.net.SocketTimeoutException timedOut = new java.net.SocketTimeoutException("Read timed out");
        if (cause != null) {
            timedOut.initCause(cause);
        }
        return timedOut;
    }

    @Override
    public boolean reading() {
        return readMark.reading();
    }

    /**
     * From {@link ReadWatch}: ends the read in progress (closes the connection) when its mark has passed; before
     * that, runs the call's idle action each time the read has been silent for the control's interval.
     *
     * @param now {@link System#nanoTime()}
     */
    @Override
    public void expireIfPast(long now) {
        // the mark first: it is armed after the idle mark and the control are set, so these are the read's own
        boolean ahead = readMark.ahead(now);
        CallControl reading = watched;
        long idle = idleMark;
        if (ahead && idle != Long.MAX_VALUE && now - idle >= 0 && reading != null) {
            // silent for an interval, not yet past its end: the call's idle action runs, and the read waits on
            // started first: the next mark depends on whether this was the call's first idle action
            reading.runIdleAction();
            idleMark = reading.idleMark(now);
            return;
        }
        if (!readMark.expireIfPast(now)) {
            return;
        }
        // the channel first: closing a TLS socket first would write its closing alert from the watch's thread
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
        close();
    }

    /**
     * @param body a request's body, or null
     * @return whether it is small enough to be sent in the head's array, one write with it (a larger one is
     *         written after the head rather than copied)
     */
    static boolean sentWithHead(byte[] body) {
        return body != null && body.length <= BUFFER;
    }

    /**
     * Writes a request: its head (with its body when {@link #sentWithHead}), then a larger body.
     *
     * @param head the head, and the body when it is sent with it
     * @param body a body sent after the head, or null
     */
    void write(AsciiBytes head, byte[] body) throws IOException {
        bytesReadBeforeRequest = bytesRead;
        head.writeTo(out);
        if (body != null && body.length > 0) {
            out.write(body);
        }
        out.flush();
    }

    /** @return whether any byte of an answer to the last request written has come */
    boolean answerBegun() {
        return bytesRead > bytesReadBeforeRequest;
    }

    /**
     * @param max the longest line accepted, in bytes
     * @return the next line, without its CRLF (or bare LF)
     * @throws EOFException when the connection ends first
     * @throws IOException  when the line is longer than {@code max}
     */
    String readLine(int max) throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit && fill() < 0) {
                throw new EOFException("the function closed the connection"
                        + (!answerBegun() ? " before answering" : " in the middle of its answer"));
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int length = position - start + (line == null ? 0 : line.length());
            if (length > max) {
                throw new IOException("a line of the function's answer exceeds " + max + " bytes");
            }
            if (position < limit) {
                int end = position++;
                if (end > start && buffer[end - 1] == '\r') {
                    end--;
                } else if (end == start && line != null && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                String tail = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                return line == null ? tail : line.append(tail).toString();
            }
            if (line == null) {
                line = new StringBuilder(Math.max(64, position - start));
            }
            line.append(new String(buffer, start, position - start, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * @return the next byte, or -1 at the end of the connection
     */
    int read() throws IOException {
        if (position == limit && fill() < 0) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /**
     * Reads what is buffered, or else what one read of the socket gives: never waits for more than one
     * arrival, so a stream's events are handed over as they come.
     *
     * @return bytes read, or -1 at the end of the connection
     */
    int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= BUFFER) {
                int n = socketRead(target, offset, length);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    private int fill() throws IOException {
        int n = socketRead(buffer, 0, BUFFER);
        if (n > 0) {
            position = 0;
            limit = n;
            bytesRead += n;
        }
        return n;
    }

    /** Marks the start of its stay in the pool. */
    void idleSince(long nanos) {
        idleSinceNanos = nanos;
        if (control != null) {
            control.detach(this);
            control = null;
        }
    }

    /** @return when its stay in the pool began ({@link System#nanoTime()}) */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Whether a kept-alive connection can carry another request: the server has not closed it, nor sent
     * anything unasked. Costs one non-blocking read of the socket, no wait.
     *
     * @return true when it is open and silent
     */
    boolean isReusable() {
        if (closed || position != limit || !channel.isOpen()) {
            return false;
        }
        try {
            channel.configureBlocking(false);
            probe.clear();
            int n = channel.read(probe);
            channel.configureBlocking(true);
            return n == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the socket (any thread): a read blocked on it ends. */
    @Override
    public void close() {
        closed = true;
        ReadWatch.SHARED.unwatch(this);
        try {
            socket.close();
        } catch (IOException e) {
            // closed anyway
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }
}
