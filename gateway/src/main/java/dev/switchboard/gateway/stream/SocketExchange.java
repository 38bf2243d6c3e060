package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RawAnswer;
import dev.switchboard.gateway.mcp.McpExchange;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An MCP exchange on the event loops: the request head the loop read, the body read here from the socket
 * (now blocking, on the exchange's own virtual thread), and the answer written straight to it. A whole answer
 * carries its {@code Content-Length}; a streamed one (SSE) is chunked ({@link ChunkedAnswer}). The connection
 * then carries the client's next request ({@link #reusable()}), unless the client
 * asked to close it ({@code Connection: close}: the answer says so, and a streamed one is delimited by the close)
 * or the request's body was not read to its end.
 */
final class SocketExchange extends McpExchange {
    private final int bodyMillis;
    private final SocketChannel channel;
    private final RequestHead head;
    private final String server;
    private final InputStream in;
    /** What the loop read past the head: the body's start, and any request the client sent after it. */
    private final ByteArrayInputStream leftover;
    /** Whether the client lets the connection carry another request after this one. */
    private final boolean keepAlive;
    /** How the request's body is framed, read once from its head. */
    private final RequestBody.Framing framing;

    private boolean bodyRead;
    /** Whether the answer was written whole, framed so that the next request can follow it. */
    private boolean complete;
    /** Whether the connection was ended under its answer's call (set by another thread: the call's own reads it). */
    private volatile boolean ended;

    private final Map<String, String> answerHeaders = new LinkedHashMap<>();
    private Identity identity = Identity.ANONYMOUS;
    private Status status = Status.OK_200;
    private boolean sent;

    /**
     * @param channel  the connection, in blocking mode
     * @param head     the request's head
     * @param server   the {@code name} of {@code /mcp/{name}}
     * @param leftover what the loop read past the head (the body's start)
     * @param cors     the CORS headers every answer on the route carries
     * @param bodyMillis how long the whole body may take to arrive ({@code REQUEST_HEAD_TIMEOUT}, as for a head)
     * @throws IOException when the socket cannot be read
     */
    SocketExchange(
            SocketChannel channel,
            RequestHead head,
            String server,
            byte[] leftover,
            Map<String, String> cors,
            int bodyMillis)
            throws IOException {
        this.channel = channel;
        this.bodyMillis = bodyMillis;
        this.head = head;
        this.server = server;
        this.leftover = new ByteArrayInputStream(leftover);
        // the socket's stream honours its read time-out (SO_TIMEOUT), which a channel's read does not. A sequence
        // closes each stream it reaches the end of: a client's half-close inside a body would close the socket
        // before its 400 is sent, so the socket's stream is kept from that close
        this.in = new SequenceInputStream(
                this.leftover, new java.io.FilterInputStream(channel.socket().getInputStream()) {
                    @Override
                    public void close() {
                        // the connection is closed by whoever serves the exchange
                    }
                });
        this.keepAlive = !asksToClose(head.headers());
        this.framing = RequestBody.Framing.of(head.headers());
        answerHeaders.putAll(cors);
    }

    /** {@code Connection: close}, among the header's tokens (looked up by hand: Helidon's lookup streams them). */
    private static boolean asksToClose(io.helidon.http.Headers headers) {
        if (!headers.contains(io.helidon.http.HeaderNames.CONNECTION)) {
            return false;
        }
        for (String value : headers.get(io.helidon.http.HeaderNames.CONNECTION).allValues()) {
            for (String token : value.split(",")) {
                if (token.strip().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the 400 of a body framing that cannot be read ({@link RequestBody.Framing#refusalError}) */
    java.util.Optional<ApiException> framingRefusal() {
        return framing.refusalError();
    }

    /** @param identity who asks, as admission found */
    void identity(Identity identity) {
        this.identity = identity;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public java.util.Optional<String> query(String name) {
        return head.query().getOrDefault(name, java.util.List.of()).stream().findFirst();
    }

    @Override
    public Headers headers() {
        return head.headers();
    }

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public byte[] body(long maxSize) {
        framing.check(maxSize);
        if (RequestBody.expectsContinue(head.headers())) {
            try {
                writeFully(RequestBody.CONTINUE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // bounded as a whole: a client dripping a byte just inside each read's time-out must not hold the thread
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(bodyMillis);
        byte[] body = RequestBody.read(framing, RequestBody.until(in, channel.socket(), deadline), maxSize);
        bodyRead = true;
        return body;
    }

    @Override
    public void status(Status status) {
        this.status = status;
    }

    @Override
    public void header(String name, String value) {
        answerHeaders.put(name, value);
    }

    /**
     * A whole answer: its head, {@code Content-Length} (none for a 204) and body in one write; the answer to a
     * {@code HEAD} has the length of the body it leaves out (RFC 9110 section 9.3.2), so the connection stays at a
     * response's end for the client's next request.
     */
    @Override
    public void send(byte[] body) {
        commit();
        try {
            byte[] sent = status.code() == 204 ? null : body;
            ByteBuffer head = RawAnswer.head(
                            status, answerHeaders, sent == null ? -1 : sent.length, lastOnConnection(), 256)
                    .toBuffer();
            boolean withBody = sent != null && sent.length > 0 && !"HEAD".equals(this.head.method());
            // head and body in one gathering write: the body is not copied behind the head
            writeFully(withBody ? new ByteBuffer[] {head, ByteBuffer.wrap(sent)} : new ByteBuffer[] {head});
            complete = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A whole JSON answer with the headers the public listener's API answers ({@code /invoke}, errors) carry; an MCP
     * answer's are {@link McpExchange}'s own {@code sendJson}.
     *
     * @param status the answer's status
     * @param json   its body, UTF-8
     */
    void sendApiJson(Status status, byte[] json) {
        status(status);
        header("Content-Type", "application/json");
        header("Cache-Control", RawAnswer.CACHE_CONTROL);
        send(json);
    }

    /** @param error a refusal, answered with the generic JSON error body */
    void sendError(ApiException error) {
        sendApiJson(error.status(), Json.bytes(Json.errorBody(error)));
    }

    /**
     * A streamed answer: chunked on a connection kept for the next request, its head written with the first bytes
     * flushed; else its head now, then the body as written, delimited by the connection's close.
     */
    @Override
    public OutputStream outputStream() throws IOException {
        commit();
        if (!lastOnConnection()) {
            answerHeaders.put("Transfer-Encoding", "chunked");
            return new ChunkedAnswer(
                    channel,
                    RawAnswer.head(status, answerHeaders, -1, false, 256).toArray(null),
                    () -> complete = true);
        }
        writeFully(RawAnswer.head(status, answerHeaders, -1, true, 256).toArray(null));
        // closing the body ends the answer; the connection is closed by whoever serves the exchange
        return new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** @return the answer's status (as set so far) */
    int statusCode() {
        return status.code();
    }

    @Override
    public boolean isSent() {
        return sent;
    }

    /**
     * @return whether the connection may carry the client's next request: the client allows it, the answer was
     *         written whole and framed, and nothing of the request's body is left unread
     */
    boolean reusable() {
        return complete && !lastOnConnection() && !ended;
    }

    /** Counts a stream against the client's address; set by the listener before the exchange is served. */
    private java.util.function.Supplier<Runnable> streamCount = () -> () -> {};

    /** @param count takes a stream of the client's address (throws its 429) and returns what gives it back */
    void countStreamsWith(java.util.function.Supplier<Runnable> count) {
        this.streamCount = count;
    }

    @Override
    public Runnable countStream() {
        return streamCount.get();
    }

    /** The socket's output ends here; the connection closes when its call returns, since it is not reusable. */
    @Override
    public void endConnection() throws IOException {
        ended = true;
        channel.shutdownOutput();
    }

    /** @return whether the connection ends after this answer: the client asked, or its body was left unread */
    private boolean lastOnConnection() {
        return !keepAlive || (framing.hasBody() && !bodyRead);
    }

    /** @return what the loop read past this request (the start of the client's next one), once it is served */
    byte[] unread() {
        return leftover.readAllBytes();
    }

    private void commit() {
        if (sent) {
            throw new IllegalStateException("the answer was sent already");
        }
        sent = true;
    }

    private void writeFully(byte[] bytes) throws IOException {
        writeFully(new ByteBuffer[] {ByteBuffer.wrap(bytes)});
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining()) {
            channel.write(buffers);
        }
    }
}
