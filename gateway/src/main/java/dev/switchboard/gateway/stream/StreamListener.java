package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.admission.Refusal;
import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.RawAnswer;
import dev.switchboard.gateway.http.TransportErrors;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.MpscQueue;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import io.helidon.http.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One event loop of a public port ({@link StreamLoops} runs {@code STREAM_LOOPS} of them per port, each accepting
 * from the same port): the generic {@code GET /sse/{clientId}} streams, MCP standalone streams ({@code GET /mcp/{name}}) and
 * HTTP+SSE sessions' streams ({@code GET /mcp/{name}/sse}), opened by {@link McpStreamOpener}, on an event loop
 * instead of a thread per connection; the rest of the MCP routes (POST, DELETE, a POST stream's resume, HTTP+SSE
 * messages), {@code POST /invoke/{function}} and the publishes are handed to {@link BlockingExchanges}, one thread
 * per kept-alive connection, so that one URL serves it all.
 * An idle stream here is a socket, a selection key and its {@link SseStream}: no read buffer, no parked stack,
 * no request objects. Opening a stream runs on a short-lived virtual thread ({@link StreamOpening}: the same
 * {@link dev.switchboard.gateway.admission.Admission} pipeline as every request, then {@link ClientStreamService} or
 * {@link McpStreamOpener}), whose decision the loop carries out. Responses are delimited by the connection's close
 * ({@code Connection: close}), which every SSE client reads.
 *
 * <p>Writing is the loop's alone ({@link StreamWrites}): heartbeats are timed by the loop itself, each tick visiting
 * only the streams due in it ({@link HeartbeatWheel}) and writing each due one directly (no task, no wake-up, no
 * hand-over from the ticker's thread); Nagle's algorithm is off, so that a write leaves at once.
 */
final class StreamListener implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(StreamListener.class.getName());
    /** Connections shed at once when {@code accept()} fails (descriptors exhausted). */
    private static final int SHED_ON_ACCEPT_FAILURE = 16;

    private static final java.time.Duration LOG_INTERVAL = java.time.Duration.ofMinutes(1);
    private static final Status HEAD_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    /** Longest wait in {@code select} while housekeeping (head expiry, accept pauses) has work; else a heartbeat tick. */
    private static final long MAX_SELECT_MILLIS = 250;
    /**
     * Longest heartbeat tick of the loop: a tick's due heartbeats are written in one go, and an event handed over
     * meanwhile waits for them. Streams opened in a burst (a herd, a fleet's reconnect) share their heartbeat
     * phase: with the ticker's 1 s tick a slot held thousands of them, and an event behind it waited up to 100 ms
     * (bench/notes.md, "heartbeat ticks of 10 ms on the event loops"). Each busy tick is a wake-up of the loop,
     * and on a small VM a wake-up costs tens of microseconds: 50 ms ticks took 13% off the loop's heartbeat CPU
     * against 10 ms ones (a slot of a 10,000-stream herd then holds ~200 streams, a few milliseconds of writes;
     * bench/notes.md, "heartbeat ticks of 50 ms"). The loop sleeps through ticks in which no stream beats.
     */
    private static final long MAX_BEAT_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ClientStreamService streams;
    /** Decides, off the loop, what a held request's connection becomes (a stream, an answer). */
    private final StreamOpening openings;

    private final BlockingExchanges exchanges;
    /** Loop thread only: connections leaving the selector, handed over once the next select deregistered them. */
    private List<Runnable> handOffs = new ArrayList<>();

    private final long headTimeoutNanos;
    private final ListenerCaps caps;
    /** Connections this loop holds (read by other threads: figures only). */
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    private final AddressLimits limits;
    private final ServerSocketChannel server;
    private final SelectionKey serverKey;
    private final Selector selector;
    private final Thread loop;
    private final ExecutorService setup = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Kept-alive connections an MCP exchange hands back with a request the loop serves (a GET stream). */
    private final Queue<Resumed> resumed = new ConcurrentLinkedQueue<>();

    /**
     * @param connection the kept-alive connection
     * @param unread     what was read past the answered request (the start of the next one)
     */
    private record Resumed(LoopConnection connection, byte[] unread) {}
    /** Connections woken for the loop to write: any thread adds, the loop takes. */
    private final MpscQueue<LoopConnection> ready = new MpscQueue<>();
    /** Loop thread only: connections sending their head or being opened. */
    private final OpeningConnections opening;

    private final ByteBuffer scratch = ByteBuffer.allocate(1024);
    private final HeartbeatTicker heartbeats;
    /** Loop thread only: the open streams, by the tick their next heartbeat falls in. */
    private final HeartbeatWheel<LoopConnection> wheel;

    /** What the loop writes to its streams: fan-outs, heartbeats, whatever a stream is woken for. */
    private final StreamWrites writes;

    private final HeartbeatWheel.Visitor<LoopConnection> beat;

    private final RateLimitedLog acceptFailures = new RateLimitedLog(
            LOGGER,
            Level.WARNING,
            "stream listener: accept failed; shedding silent connections and retrying",
            LOG_INTERVAL,
            System::nanoTime);
    private final RateLimitedLog loopFailures =
            new RateLimitedLog(LOGGER, Level.WARNING, "stream listener loop", LOG_INTERVAL, System::nanoTime);
    private volatile boolean running = true;
    /** Loop thread only: whether accepting is paused, and until when. */
    private final AcceptPause acceptPause = new AcceptPause();

    private StreamListener(
            LoopParts parts, String threadName, ServerSocketChannel server, Selector selector, SelectionKey serverKey) {
        StreamLoops.Settings settings = parts.settings();
        this.streams = parts.streams();
        this.openings = new StreamOpening(parts);
        this.exchanges = new BlockingExchanges(
                parts.endpoint(),
                parts.mcp(),
                parts.api(),
                parts.admission(),
                settings.limits(),
                parts.tracing(),
                settings.headTimeout(),
                settings.keepAlive(),
                parts.caps().idle(),
                parts.threads());
        this.headTimeoutNanos = settings.headTimeout().toNanos();
        this.opening = new OpeningConnections(
                headTimeoutNanos,
                AddressLimits.headOverdueAfter(settings.headTimeout()).toNanos());
        this.caps = parts.caps();
        this.limits = settings.limits();
        this.server = server;
        this.selector = selector;
        this.serverKey = serverKey;
        this.heartbeats = streams.heartbeats();
        this.wheel = new HeartbeatWheel<>(
                heartbeats.intervalNanos(), Math.min(heartbeats.tickNanos(), MAX_BEAT_TICK_NANOS), System.nanoTime());
        this.writes = new StreamWrites(streams.metrics(), heartbeats, selector, new StreamWrites.Ends() {
            @Override
            public void end(LoopConnection c, CloseReason reason) {
                StreamListener.this.end(c, reason);
            }

            @Override
            public void close(LoopConnection c) {
                StreamListener.this.close(c);
            }
        });
        this.beat = writes::beat;
        this.loop = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
    }

    /**
     * Binds and starts one event loop of the listener ({@link StreamLoops} starts them all).
     *
     * @param host       address to bind
     * @param port       port to bind (0: any free one)
     * @param reusePort  whether other loops accept on the same port ({@code SO_REUSEPORT}: the kernel spreads
     *                   new connections over them)
     * @param threadName the loop thread's name, {@code %d} standing for the bound port
     * @param parts      what every loop of the listener serves with
     * @return the running loop
     * @throws IOException when the port cannot be bound
     */
    static StreamListener start(String host, int port, boolean reusePort, String threadName, LoopParts parts)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        if (reusePort) {
            server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        try {
            server.bind(new InetSocketAddress(host, port), 4096);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        server.configureBlocking(false);
        Selector selector = Selector.open();
        SelectionKey serverKey = server.register(selector, SelectionKey.OP_ACCEPT);
        StreamListener listener = new StreamListener(
                parts,
                // named by its port: thread dumps and profiles tell the ports apart
                threadName.formatted(server.socket().getLocalPort()),
                server,
                selector,
                serverKey);
        listener.loop.start();
        return listener;
    }

    /** @return connections this loop holds now */
    int held() {
        return held.get();
    }

    /** @return the bound port */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** @return whether the listener still accepts connections (its loop runs, its socket is bound) */
    public boolean isAccepting() {
        return running && loop.isAlive() && server.isOpen();
    }

    private void run() {
        while (running) {
            try {
                resumeAccepting();
                // heartbeats need a wake-up only while a stream is open, housekeeping (head expiry, accept
                // pauses) only while it has something to do: an idle listener sleeps until a connection comes
                boolean beats = wheel.size() > 0;
                boolean housekeeping = acceptPause.paused() || !opening.isEmpty();
                List<Runnable> handing = handOffs;
                if (!handing.isEmpty()) {
                    // a cancelled key's channel is deregistered by the next select: only then may it block
                    handOffs = new ArrayList<>();
                    selector.selectNow();
                    handing.forEach(Runnable::run);
                } else if (beats || housekeeping) {
                    long untilBeats =
                            beats ? (wheel.nextBusyTickNanos() - System.nanoTime()) / 1_000_000 + 1 : MAX_SELECT_MILLIS;
                    selector.select(Math.max(1, housekeeping ? Math.min(MAX_SELECT_MILLIS, untilBeats) : untilBeats));
                } else {
                    selector.select();
                }
                long now = System.nanoTime();
                // any tick passed, busy or not: the wheel keeps up with the clock (empty slots cost nothing), so a
                // stream added later lands within one revolution of its due tick
                if (now - wheel.nextTickNanos() >= 0) {
                    wheel.advance(now, beat);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Resumed back;
                while ((back = resumed.poll()) != null) {
                    resume(back.connection(), back.unread());
                }
                writes.writeFanOuts();
                LoopConnection woken;
                while ((woken = ready.poll()) != null) {
                    woken.scheduled.set(false);
                    writes.flush(woken);
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
                        LoopConnection c = (LoopConnection) key.attachment();
                        if (key.isReadable()) {
                            read(c);
                        }
                        if (key.isValid() && key.isWritable()) {
                            writes.flush(c);
                        }
                    }
                }
                expireHeads();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    loopFailures.log(e);
                }
            }
        }
    }

    /**
     * Accepts what is waiting. At its cap the listener sheds its oldest silent connection for a new one (one still
     * sending its head, else the kept-alive connection idle the longest: {@link IdleConnections}),
     * or stops accepting until one closes (clients wait in the kernel's backlog, which costs no
     * descriptor). When {@code accept()} fails (descriptors exhausted: measured, a loop retrying at once
     * burned a core and wrote 300 MB of stack traces in 8 s) it sheds silent connections and pauses,
     * 10 ms doubling to 1 s, logging once a minute.
     */
    private void accept() {
        for (boolean first = true; ; first = false) {
            if (caps.full()) {
                // shed only for a connection known to wait (the readiness this pass was called for): the one just
                // accepted may have filled the cap with nobody behind it, and it would be the oldest silent one.
                // One shed per pass: a closed channel keeps its descriptor until the next select deregisters it,
                // else a burst would shed and accept past the limit (measured: "Too many open files")
                if (first && !shedOldestPending(1) && !caps.idle().shedOldest()) {
                    pauseAccepting(acceptPause::untilAConnectionCloses);
                }
                return;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) {
                    acceptFailures.log(e);
                    if (!shedOldestPending(SHED_ON_ACCEPT_FAILURE)) {
                        caps.idle().shedOldest();
                    }
                    pauseAccepting(acceptPause::afterFailure);
                }
                return;
            }
            if (channel == null) {
                return;
            }
            acceptPause.accepted();
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            java.net.InetAddress address = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
            boolean capped = limits.cappedAtAccept(address);
            // only overdue heads count here: an address at its stream cap is still heard out, its POSTs to
            // /mcp/{name} are no streams, and a refusal under /mcp/ is the route's JSON-RPC error
            if (capped && caps.overdueHeads().atCap(address)) {
                refuseAtAccept(channel, limits.tooManyPending());
                return;
            }
            if (opening.full()) {
                // a flood of connections that send nothing must not take the loop's memory
                shedOldestPending(1);
            }
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            LoopConnection c = new LoopConnection(channel, System.nanoTime() + headTimeoutNanos);
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            opening.add(c);
            caps.opened();
            held.incrementAndGet();
            // counted against its address only once overdue: a burst of honest clients is read, not refused
            c.cappedAddress = capped ? address : null;
        } catch (IOException e) {
            closeQuietly(channel);
        }
    }

    /** A connection refused before its head is read: its answer is written at once, then it closes. */
    private static void refuseAtAccept(SocketChannel channel, Refusal refusal) {
        try {
            // a new socket's send buffer is empty: the whole answer fits
            channel.write(ByteBuffer.wrap(RawAnswer.error(refusal.error(), refusal.headers())));
            channel.shutdownOutput();
        } catch (IOException e) {
            // the client left
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    /**
     * @param count how many to shed at most
     * @return whether any connection still sending its head was closed, oldest first
     */
    private boolean shedOldestPending(int count) {
        List<LoopConnection> shed = opening.oldestSilent(count);
        shed.forEach(this::close);
        return !shed.isEmpty();
    }

    /** @param pause starts the pause (until a connection closes, or a backoff) */
    private void pauseAccepting(Runnable pause) {
        pause.run();
        serverKey.interestOps(0);
    }

    /** Accepts again once the pause ran out and a new connection could be held (there is room, or one to shed). */
    private void resumeAccepting() {
        if (acceptPause.runOut(System.nanoTime())
                && (!caps.full() || opening.anySendingItsHead() || caps.idle().canShed())) {
            acceptPause.end();
            serverKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** The connection's head is read (or refused): it no longer counts against its address's pending heads. */
    private void headDone(LoopConnection c) {
        c.cappedAddress = null;
        if (c.pendingAddress != null) {
            caps.overdueHeads().done(c.pendingAddress);
            c.pendingAddress = null;
        }
    }

    private void read(LoopConnection c) {
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

    private void readHead(LoopConnection c) throws IOException {
        if (!c.head.hasRemaining()) {
            ByteBuffer larger = RequestHead.grown(c.head);
            if (larger == null) {
                respond(
                        c,
                        new ApiException(
                                HEAD_TOO_LARGE,
                                "HEAD_TOO_LARGE",
                                "request head larger than " + RequestHead.MAX_HEAD + " bytes"),
                        Map.of());
                return;
            }
            c.head = larger;
        }
        boolean ended = c.channel.read(c.head) < 0;
        if (ended && c.head.position() == 0) {
            close(c); // the client left between requests
            return;
        }
        // a client that half-closes after its request still gets its answer: the head read so far is parsed first
        c.head.flip();
        RequestHead head;
        try {
            head = RequestHead.parse(c.head);
        } catch (RuntimeException e) {
            // MalformedException says what; anything else the parser missed is still the client's bad head
            c.head = null;
            headDone(c);
            respond(
                    c,
                    e instanceof RequestHead.MalformedException m
                            ? TransportErrors.refusal(m.status(), m.getMessage())
                            : new ApiException(Status.BAD_REQUEST_400, "BAD_REQUEST", "malformed request head"),
                    Map.of());
            return;
        }
        if (head == null) {
            if (ended) {
                c.head = null;
                headDone(c);
                respond(
                        c,
                        new ApiException(
                                Status.BAD_REQUEST_400,
                                "BAD_REQUEST",
                                "the client closed its side within the request head"),
                        Map.of());
                return;
            }
            c.head.compact();
            return;
        }
        byte[] leftover = new byte[c.head.remaining()];
        c.head.get(leftover);
        c.head = null;
        c.headOnly = head.method().equals("HEAD");
        headDone(c);
        c.key.interestOps(0);
        java.net.SocketAddress peer = c.channel.getRemoteAddress();
        java.util.Optional<ExchangeRoute> route = ExchangeRoute.of(head.method(), head.path(), head.headers());
        if (route.isPresent()) {
            handOff(c, head, route.get(), leftover, peer);
            return;
        }
        setup.execute(() -> openings.open(head, peer, new Handover(c)));
    }

    /**
     * Loop thread: the connection leaves the selector for a thread of {@link BlockingExchanges} that reads and
     * writes it blocking (an MCP POST's body and answer, and the kept-alive connection's next requests); when the
     * work is done the loop closes the connection, or takes it back with a request it holds (a GET stream) that the
     * work read.
     */
    private void handOff(
            LoopConnection c, RequestHead head, ExchangeRoute route, byte[] leftover, java.net.SocketAddress peer) {
        opening.remove(c);
        c.key.cancel();
        handOffs.add(() -> exchanges.serve(c.channel, head, route, leftover, peer, unread -> handedBack(c, unread)));
    }

    /** @param unread the bytes of a request for the loop, or null when the connection ends */
    private void handedBack(LoopConnection c, byte[] unread) {
        if (unread == null) {
            submit(() -> close(c));
            return;
        }
        resumed.add(new Resumed(c, unread));
        selector.wakeup();
        if (!running) {
            // the loop stopped, perhaps before it could take it back
            closeQuietly(c.channel);
        }
    }

    /**
     * Loop thread: a kept-alive connection handed back with (the start of) a request the loop serves; its head is
     * read under the same time-out and caps as a new connection's.
     */
    private void resume(LoopConnection c, byte[] unread) {
        if (c.closed) {
            return;
        }
        try {
            c.channel.configureBlocking(false);
            c.head = ByteBuffer.allocate(Math.max(512, unread.length));
            c.head.put(unread);
            c.headOnly = false; // until its next head is read
            c.headDeadline = System.nanoTime() + headTimeoutNanos;
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            opening.add(c);
            if (unread.length > 0) {
                // the client sent its next request with the last: it may all be here, with nothing more to come
                readHead(c);
            }
        } catch (IOException | RuntimeException e) {
            close(c);
        }
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** An opening's decision for a connection, carried out on the loop. */
    private final class Handover implements StreamOpening.Outcome {
        private final LoopConnection c;

        Handover(LoopConnection c) {
            this.c = c;
        }

        @Override
        public void begin(SseStream stream, Consumer<CloseReason> finish, byte[] start, int replayed) {
            submit(() -> StreamListener.this.begin(c, stream, finish, start, replayed));
        }

        @Override
        public void answer(byte[] answer) {
            submit(() -> StreamListener.this.answer(c, answer));
        }
    }

    /** Loop thread: the stream is open; write its start, then whatever it is woken for. */
    private void begin(LoopConnection c, SseStream stream, Consumer<CloseReason> finish, byte[] start, int replayed) {
        opening.remove(c);
        c.stream = stream;
        c.finish = finish;
        if (c.closed || !c.channel.isOpen()) {
            // the client left while its stream was being opened
            setup.execute(() -> finish.accept(CloseReason.CLIENT_GONE));
            return;
        }
        streams.metrics().written(replayed + 1, false);
        c.pending = ByteBuffer.wrap(start);
        c.key.interestOps(SelectionKey.OP_READ);
        // its first heartbeat is an interval away: the loop takes its timing over from the ticker well before
        heartbeats.handOver(stream);
        wheel.add(c, heartbeats.dueNanos(stream));
        stream.wakeWith(() -> {
            if (c.scheduled.compareAndSet(false, true)) {
                ready.add(c);
                selector.wakeup();
            }
        });
        stream.writtenBy(writes, c);
    }

    /** Loop thread: an open stream ends (a retry hint first when the gateway is stopping, or the stream has a gap). */
    private void end(LoopConnection c, CloseReason reason) {
        if (c.closed) {
            return;
        }
        if (reason.hintsReconnect() && c.pending == null) {
            try {
                c.channel.write(ByteBuffer.wrap(SseEncoder.retry(ClientStreamService.reconnectHintMillis())));
            } catch (IOException e) {
                // leaving anyway
            }
        }
        close(c);
        Consumer<CloseReason> finish = c.finish;
        if (finish != null) {
            c.stream.close(reason);
            // the directory lives in the store: not on the loop
            setup.execute(() -> finish.accept(reason));
        }
    }

    /** Loop thread: an error answer, then the connection closes. */
    private void respond(LoopConnection c, ApiException error, Map<String, String> headers) {
        answer(c, RawAnswer.error(error, headers));
    }

    /** Loop thread: one whole answer, then the connection closes. */
    private void answer(LoopConnection c, byte[] answer) {
        opening.remove(c);
        if (c.closed) {
            return;
        }
        // RFC 9110 section 9.3.2: no content in an answer to HEAD (its Content-Length stays, as GET's would be)
        c.pending = ByteBuffer.wrap(answer, 0, c.headOnly ? RawAnswer.headLength(answer) : answer.length);
        c.closeAfterWrite = true;
        writes.flush(c);
    }

    private void close(LoopConnection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        opening.remove(c);
        wheel.remove(c);
        headDone(c);
        caps.closed();
        caps.idle().closed(c.channel);
        held.decrementAndGet();
        c.key.cancel();
        try {
            c.channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    /**
     * Connections that have not sent a whole head in time are dropped, and an overdue head counts against its
     * address: beyond {@code MAX_PENDING_HEADS_PER_IP} it is refused (a slow-loris guard).
     */
    private void expireHeads() {
        long now = System.nanoTime();
        if (!opening.checkDue(now)) {
            return;
        }
        opening.late(now).forEach(this::close);
        for (LoopConnection c : opening.newlyOverdue(now)) {
            java.net.InetAddress address = c.cappedAddress;
            c.cappedAddress = null;
            if (caps.overdueHeads().tryAdd(address)) {
                c.pendingAddress = address;
            } else {
                c.head = null; // whatever it sends now is dropped
                Refusal refusal = limits.tooManyPending();
                respond(c, refusal.error(), refusal.headers());
            }
        }
    }

    /** Stops accepting; streams still open are closed (the gateway ends them with a hint before this). */
    @Override
    public void close() {
        if (!running) {
            return; // closed already
        }
        running = false;
        selector.wakeup();
        exchanges.close();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // kept-alive connections handed back after the loop stopped
        Resumed back;
        while ((back = resumed.poll()) != null) {
            closeQuietly(back.connection().channel);
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof LoopConnection c && c.finish != null && !c.closed) {
                c.closed = true;
                c.finish.accept(CloseReason.SHUTDOWN);
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
