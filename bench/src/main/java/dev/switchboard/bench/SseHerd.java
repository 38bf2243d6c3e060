package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Holds many SSE connections from one thread with NIO, as a crowd of idle clients would: every stream is
 * parsed ({@link SseReader}), events are counted by type, and a watched marker's arrival time is recorded
 * on every connection, for fan-out timing. Connections come from several loopback source addresses
 * (127.0.0.2 and up, or a later block of eight for another herd process), so the count is not bounded
 * by one address's ephemeral ports.
 */
final class SseHerd implements AutoCloseable {
    private static final int SOURCE_ADDRESSES = 8;
    /** Connections opening at once: more would only queue in the server's accept backlog. */
    private static final int MAX_OPENING = 256;

    /** Arrivals of events whose data contains a marker. */
    static final class Watch {
        final String marker;
        final AtomicInteger received = new AtomicInteger();
        volatile long lastNanos;
        /** The arrivals {@link #await} waits for (0: none): the herd's thread wakes it when they are reached. */
        private volatile int awaited;

        Watch(String marker) {
            this.marker = marker;
        }

        /**
         * Waits without polling: a waiter that polls takes CPU from the server it measures, and only from one
         * that answers its publish before its fan-out (the gateway; nchan answers after, so its waiter sleeps in
         * the read): measured, a 50 µs poll took 13% of a core during the gateway's walks (bench/notes.md).
         *
         * @return whether {@code n} arrivals happened within the timeout
         */
        boolean await(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                awaited = n;
                try {
                    while (received.get() < n) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                    return true;
                } finally {
                    awaited = 0;
                }
            }
        }

        /** The herd's thread: one more arrival. */
        void arrived() {
            lastNanos = System.nanoTime();
            if (received.incrementAndGet() == awaited) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }
    }

    private final String host;
    private final int port;
    private final IntFunction<String> path;
    private final IntFunction<Map<String, String>> headers;
    private final Selector selector;
    private final int firstSource;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();

    /** A connection being opened, with its index (its request path depends on it). */
    private record Pending(SocketChannel channel, int index) {}

    private final Map<String, AtomicLong> events = new ConcurrentHashMap<>();
    private final AtomicLong comments = new AtomicLong();
    /** Events reporting a failed call ({@code "success":false}), which carry no caller-chosen marker. */
    private final AtomicLong failureEvents = new AtomicLong();

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final Thread loop;
    private volatile Watch watch;
    private volatile boolean running = true;
    private int started;

    /**
     * @param host    server host (loopback)
     * @param port    server port
     * @param path    the request path of the i-th connection
     * @param headers request headers
     */
    SseHerd(String host, int port, IntFunction<String> path, Map<String, String> headers) throws IOException {
        this(host, port, path, headers, 0);
    }

    /**
     * @param sourceBlock which block of eight loopback source addresses to use: block 0 is 127.0.0.2 to
     *                    127.0.0.9, block 1 127.0.0.10 to 127.0.0.17, and so on (one block per herd process)
     */
    SseHerd(String host, int port, IntFunction<String> path, Map<String, String> headers, int sourceBlock)
            throws IOException {
        this(host, port, path, i -> headers, sourceBlock);
    }

    /**
     * @param headers the request headers of the i-th connection (an MCP stream names its own session)
     */
    SseHerd(String host, int port, IntFunction<String> path, IntFunction<Map<String, String>> headers, int sourceBlock)
            throws IOException {
        if (sourceBlock < 0 || 2 + SOURCE_ADDRESSES * (sourceBlock + 1) > 255) {
            throw new IllegalArgumentException("source block " + sourceBlock + " is outside 127.0.0.2-254");
        }
        this.firstSource = 2 + SOURCE_ADDRESSES * sourceBlock;
        this.host = host;
        this.port = port;
        this.path = path;
        this.headers = headers;
        this.selector = Selector.open();
        this.loop = Thread.ofPlatform().name("sse-herd").daemon().start(this::run);
    }

    /**
     * Opens {@code n} more connections and waits until each has its response head.
     *
     * @return connections open now
     * @throws IllegalStateException when they did not all open in time
     */
    int open(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int target = started + n;
        while (started < target) {
            if (System.nanoTime() > deadline) {
                break;
            }
            if (started - opened.get() - failed.get() >= MAX_OPENING) {
                Thread.sleep(1);
                continue;
            }
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(
                    InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (firstSource + started % SOURCE_ADDRESSES)}),
                    0));
            channel.connect(new InetSocketAddress(host, port));
            channel.socket().setTcpNoDelay(true);
            pending.add(new Pending(channel, started));
            selector.wakeup();
            started++;
        }
        while (opened.get() + failed.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (opened.get() < target) {
            throw new IllegalStateException(
                    "only " + opened.get() + " of " + target + " SSE connections opened (" + failed.get() + " failed)");
        }
        return opened.get();
    }

    /**
     * Arrivals of numbered events ({@code seq-<n>} in their data), for pipelined fan-out. An event whose
     * data goes on with {@code -t<nanos>} (its {@link System#nanoTime()} when published, in this JVM) also
     * has its latency to the last receipt so far recorded.
     */
    static final class Sequence {
        final java.util.concurrent.atomic.AtomicIntegerArray counts;
        /** Per event, the longest time from its stamp to a receipt (0 when unstamped or not received). */
        final java.util.concurrent.atomic.AtomicLongArray slowestNanos;
        /** Per event, the time from its stamp to its first receipt (0 when unstamped or not received). */
        final java.util.concurrent.atomic.AtomicLongArray firstNanos;

        final AtomicLong delivered = new AtomicLong();
        /** Receipts that make an event done, for {@link #awaitDone} (0: not awaited). */
        final int expected;

        Sequence(int events, int expected) {
            this.expected = expected;
            counts = new java.util.concurrent.atomic.AtomicIntegerArray(events);
            slowestNanos = new java.util.concurrent.atomic.AtomicLongArray(events);
            firstNanos = new java.util.concurrent.atomic.AtomicLongArray(events);
        }

        /**
         * Waits, without polling (see {@link Watch#await}), until event {@code k} has reached {@link #expected}
         * receipts.
         *
         * @return false when the deadline ({@link System#nanoTime}) passed first
         */
        boolean awaitDone(int k, long deadline) throws InterruptedException {
            if (expected <= 0) {
                throw new IllegalStateException("a sequence made without an expected count");
            }
            synchronized (this) {
                while (counts.get(k) < expected) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return true;
            }
        }

        /** The herd's thread: an event reached {@link #expected}. */
        private synchronized void done() {
            notifyAll();
        }

        /** @return the data of numbered event {@code n}, stamped with the time now */
        static String stamped(int n) {
            return "seq-" + n + "-t" + System.nanoTime() + "-";
        }
    }

    private volatile Sequence sequence;

    /** Starts counting numbered events, 0 to {@code events - 1}. */
    Sequence sequence(int events) {
        return sequence(events, 0);
    }

    /** Starts counting numbered events, each done at {@code expected} receipts ({@link Sequence#awaitDone}). */
    Sequence sequence(int events, int expected) {
        Sequence s = new Sequence(events, expected);
        sequence = s;
        return s;
    }

    /** Starts recording arrivals of a marker (replacing the previous watch). */
    Watch watch(String marker) {
        Watch w = new Watch(marker);
        watch = w;
        return w;
    }

    long events(String type) {
        AtomicLong n = events.get(type);
        return n == null ? 0 : n.get();
    }

    /** @return numbered events delivered since {@link #sequence} */
    long sequenceDelivered() {
        Sequence s = sequence;
        return s == null ? 0 : s.delivered.get();
    }

    /** @return events that reported a failed call */
    long failureEvents() {
        return failureEvents.get();
    }

    long comments() {
        return comments.get();
    }

    int opened() {
        return opened.get();
    }

    /** @return connections the server closed or that failed after opening */
    int closed() {
        return closed.get();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        byte[] bytes = new byte[64 * 1024];
        while (running) {
            try {
                selector.select(100);
                Pending next;
                while ((next = pending.poll()) != null) {
                    next.channel().register(selector, SelectionKey.OP_CONNECT, next.index());
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key, buffer, bytes);
                }
            } catch (IOException e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void handle(SelectionKey key, ByteBuffer buffer, byte[] bytes) {
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                int index = (Integer) key.attachment();
                StringBuilder request = new StringBuilder("GET ")
                        .append(path.apply(index))
                        .append(" HTTP/1.1\r\n")
                        .append("Host: ")
                        .append(host)
                        .append(':')
                        .append(port)
                        .append("\r\n");
                headers.apply(index)
                        .forEach((k, v) ->
                                request.append(k).append(": ").append(v).append("\r\n"));
                channel.write(ByteBuffer.wrap(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8)));
                key.attach(new SseReader(new Counter()));
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                drop(key, (SseReader) key.attachment());
                return;
            }
            buffer.flip();
            buffer.get(bytes, 0, n);
            ((SseReader) key.attachment()).feed(bytes, 0, n);
        } catch (IOException | RuntimeException e) {
            drop(key, key.attachment() instanceof SseReader reader ? reader : null);
        }
    }

    private void drop(SelectionKey key, SseReader reader) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing anyway
        }
        if (reader == null) {
            failed.incrementAndGet();
        } else {
            closed.incrementAndGet();
        }
    }

    /** Counts one connection's events; runs on the herd's thread. */
    private final class Counter implements SseReader.Listener {
        @Override
        public void opened(int status) {
            if (status == 200) {
                opened.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        }

        @Override
        public void event(String type, String data) {
            events.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
            if (data.contains("\"success\":false")) {
                failureEvents.incrementAndGet();
            }
            Watch w = watch;
            if (w != null && data.contains(w.marker)) {
                w.arrived();
            }
            Sequence s = sequence;
            int at = s == null ? -1 : data.indexOf("seq-");
            if (at >= 0) {
                int i = at + 4;
                int n = 0;
                for (; i < data.length() && Character.isDigit(data.charAt(i)); i++) {
                    n = n * 10 + (data.charAt(i) - '0');
                }
                if (n < s.counts.length()) {
                    if (data.startsWith("-t", i)) {
                        long stamp = 0;
                        for (i += 2; i < data.length() && Character.isDigit(data.charAt(i)); i++) {
                            stamp = stamp * 10 + (data.charAt(i) - '0');
                        }
                        long latency = System.nanoTime() - stamp;
                        s.slowestNanos.accumulateAndGet(n, latency, Math::max);
                        s.firstNanos.compareAndSet(n, 0, latency);
                    }
                    s.delivered.incrementAndGet();
                    if (s.counts.incrementAndGet(n) == s.expected) {
                        s.done();
                    }
                }
            }
        }

        @Override
        public void comment() {
            comments.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
