package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Topic scenarios 7.1 and 7.2 on one server: {@code topics × perTopic} subscribers (subscriber i follows
 * topic {@code i % topics}), events published to topics with no function in the path (the gateway's
 * {@code POST /publish/{topic}}, nchan's {@code POST /pub}). Every event carries its publish time in its
 * data ({@link SseHerd.Sequence#stamped}), so its latency to the last of its subscribers is read off the
 * receipts. After a warm-up, two phases: single events to a quiet server, one at a time (latency), then
 * events kept in flight by several publishers (sustained deliveries per second, and latency under that
 * load).
 */
final class TopicFanOut {
    /** How a server is subscribed to and published to. */
    interface Target {
        String name();

        /** @return the port subscribers connect to */
        int subscribePort(Rig.Server server);

        /** @return path of subscriber i, following a topic */
        String path(int i, String topic);

        /** @return where publishes are sent */
        URI publishUri(Rig.Server server);

        /** Publishes one event whose data contains the text. */
        void publish(Http1 http, String topic, String text) throws IOException;
    }

    /** Sizes of one run. */
    record Shape(int topics, int perTopic, int quietEvents, int loadEvents, int publishers, int window) {
        int subscribers() {
            return topics * perTopic;
        }
    }

    /**
     * Latencies in milliseconds, from publish to the last subscriber of the event's topic; quiet ones NaN
     * when the shape has no quiet phase.
     */
    record Result(
            String server,
            Shape shape,
            double quietP50,
            double quietP99,
            double loadP50,
            double loadP99,
            double deliveriesPerSecond,
            long lost,
            long duplicated,
            int dropped) {}

    private static final Duration PHASE_LIMIT = Duration.ofSeconds(120);
    /**
     * Enough calls for the JIT's last tier (about 5,000 invocations): with 3,000, the gateway was still compiling
     * its publish path at that tier during section 7.2's measured phase (JIT log, bench/notes.md).
     */
    private static final int WARM_PUBLISHES = 10_000;
    /** Quiet warm-up events per round; rounds repeat until the subscribers have been open long enough. */
    private static final int WARM_QUIET_EVENTS = 20;

    private TopicFanOut() {}

    /**
     * Names the slowest events (index: first subscriber → last, in ms), so a tail can be told apart as a late
     * start (hand-over) or a long walk, and as periodic or not.
     */
    static String slowest(double[] last, double[] first, long[] publishedAt, int count) {
        StringBuilder text = new StringBuilder();
        for (int e : Stats.largest(last, count)) {
            text.append(text.isEmpty() ? "" : ", ")
                    .append(String.format(
                            "#%d at %s: %.1f→%.1f",
                            e, java.time.Instant.ofEpochMilli(publishedAt[e]), first[e], last[e]));
        }
        return text.toString();
    }

    static String topic(int t) {
        return "bench-topic-" + t;
    }

    /**
     * Runs one shape on one server.
     *
     * @param heartbeat the server's heartbeat interval: the warm-up lasts at least that long after the
     *     subscribers opened
     * @param warmSpan  and at least this long
     */
    static Result run(Rig.Server server, Target target, Shape shape, Duration heartbeat, Duration warmSpan)
            throws IOException, InterruptedException {
        int n = shape.subscribers();
        try (SseHerd herd = new SseHerd(
                "127.0.0.1",
                target.subscribePort(server),
                i -> target.path(i, topic(i % shape.topics())),
                Map.of("Accept", "text/event-stream"))) {
            herd.open(n, Duration.ofSeconds(Math.max(30, n / 200)));
            long opened = System.nanoTime();
            settle(herd, n);

            // warm-up, not recorded, so neither server is measured cold: the publish path on its own (a topic
            // nobody follows), then as many events as the load phase
            try (Http1 warming = new Http1(target.publishUri(server))) {
                warmPublishing(warming, target);
            }
            int warmEvents = Math.max(1, shape.loadEvents());
            underLoad(herd, server, target, shape, warmEvents, new AtomicLongArray(warmEvents));

            // then quiet events, until every stream has sent its first heartbeat and the subscribers have been
            // open warmSpan: a JVM server compiles its heartbeat path on the first beats, and its one C2 thread (two
            // cores) works through a backlog of the publish and fan-out paths for 20-30 s after the herd opened,
            // which it had still been doing during the measured quiet phase (~0.5 s bursts taking a core away from
            // the walk, on the slowest events; bench/notes.md)
            if (shape.quietEvents() > 0) {
                long span = Math.max(heartbeat.plusSeconds(2).toNanos(), warmSpan.toNanos());
                do {
                    quiet(herd, server, target, shape, WARM_QUIET_EVENTS);
                } while (System.nanoTime() - opened < span);
            }

            // quiet: one event at a time, each to a topic in turn
            Quiet measured = quiet(herd, server, target, shape, shape.quietEvents());
            double[] quiet = measured.last();
            double[] first = measured.first();
            SseHerd.Sequence seq = measured.sequence();
            if (quiet.length > 0) {
                BenchMain.log(String.format(
                        "topics: %s quiet, first subscriber p50 %.1f ms, last p50 %.1f ms",
                        target.name(), Stats.percentile(first, 50), Stats.percentile(quiet, 50)));
                BenchMain.log("topics: %s quiet, slowest events %s"
                        .formatted(target.name(), slowest(quiet, first, measured.publishedAt(), 3)));
            }
            long lost = (long) shape.quietEvents() * shape.perTopic() - seq.delivered.get();
            long duplicated = duplicated(seq, shape.perTopic());

            // marks the phase for a profiler started on the log (bench/notes.md)
            BenchMain.log("topics: %s under load, %d events".formatted(target.name(), shape.loadEvents()));
            long start = System.nanoTime();
            AtomicLongArray answered = new AtomicLongArray(shape.loadEvents());
            seq = underLoad(herd, server, target, shape, shape.loadEvents(), answered);
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] latencies = new double[shape.loadEvents()];
            double[] firsts = new double[latencies.length];
            double[] answers = new double[latencies.length];
            for (int k = 0; k < latencies.length; k++) {
                latencies[k] = Stats.millis(seq.slowestNanos.get(k));
                firsts[k] = Stats.millis(seq.firstNanos.get(k));
                answers[k] = Stats.millis(answered.get(k));
            }
            // the publish's answer beside the first receipt: a server that answers before its fan-out (the
            // gateway, once the event is in the log) lets the window's events queue behind each other's writes
            BenchMain.log(String.format(
                    "topics: %s under load, publish answered p50 %.2f ms, first subscriber p50 %.1f ms, last p50 %.1f ms",
                    target.name(),
                    Stats.percentile(answers, 50),
                    Stats.percentile(firsts, 50),
                    Stats.percentile(latencies, 50)));
            lost += (long) shape.loadEvents() * shape.perTopic() - seq.delivered.get();
            duplicated += duplicated(seq, shape.perTopic());
            return new Result(
                    target.name(),
                    shape,
                    Stats.percentile(quiet, 50),
                    Stats.percentile(quiet, 99),
                    Stats.percentile(latencies, 50),
                    Stats.percentile(latencies, 99),
                    seq.delivered.get() / seconds,
                    lost,
                    duplicated,
                    herd.closed());
        }
    }

    /** One quiet phase: each event's latency to its first and last subscriber, and when it was published. */
    private record Quiet(double[] last, double[] first, long[] publishedAt, SseHerd.Sequence sequence) {}

    /** Publishes {@code events} events one at a time, each to a topic in turn, each once the last is delivered. */
    private static Quiet quiet(SseHerd herd, Rig.Server server, Target target, Shape shape, int events)
            throws IOException, InterruptedException {
        double[] last = new double[events];
        // the spread from first to last subscriber is the server's walk over its subscribers
        double[] first = new double[events];
        long[] publishedAt = new long[events];
        SseHerd.Sequence seq = herd.sequence(events, shape.perTopic());
        // a connection of its own: one left idle through the warm-up's load (longer than the stream
        // listener's REQUEST_HEAD_TIMEOUT at 10,000 subscribers) is closed by the gateway
        try (Http1 publisher = new Http1(target.publishUri(server))) {
            for (int k = 0; k < events; k++) {
                publishedAt[k] = System.currentTimeMillis();
                target.publish(publisher, topic(k % shape.topics()), SseHerd.Sequence.stamped(k));
                awaitDone(seq, k, System.nanoTime() + PHASE_LIMIT.toNanos(), target);
                last[k] = Stats.millis(seq.slowestNanos.get(k));
                first[k] = Stats.millis(seq.firstNanos.get(k));
                Thread.sleep(20);
            }
        }
        return new Quiet(last, first, publishedAt, seq);
    }

    /**
     * Publishes {@code events} numbered events, event k to topic {@code k % topics} from publisher
     * {@code k % P}, each publisher keeping at most {@code window / P} of its own not yet delivered to every
     * subscriber, and each publish's answer time in {@code answered}; returns once all are delivered.
     */
    private static SseHerd.Sequence underLoad(
            SseHerd herd, Rig.Server server, Target target, Shape shape, int events, AtomicLongArray answered)
            throws InterruptedException {
        SseHerd.Sequence seq = herd.sequence(events, shape.perTopic());
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        List<Thread> publishers = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int p = 0; p < shape.publishers(); p++) {
            int first = p;
            publishers.add(Thread.ofVirtual().start(() -> {
                try (Http1 http = new Http1(target.publishUri(server))) {
                    publish(seq, target, http, shape, first, events, deadline, answered);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : publishers) {
            t.join(PHASE_LIMIT.toMillis() + 10_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException(target.name() + ": publishing failed", failure.get());
        }
        for (int k = 0; k < events; k++) {
            awaitDone(seq, k, deadline, target);
        }
        return seq;
    }

    /**
     * Publishes {@link #WARM_PUBLISHES} events to a topic no subscriber follows. The fan-out warm-up below gives
     * the publish request's own path too few calls to be compiled: a JVM server was still compiling it during
     * the quiet and load phases (JIT log, bench/notes.md), which a long-running server has long done.
     */
    private static void warmPublishing(Http1 publisher, Target target) throws IOException {
        for (int k = 0; k < WARM_PUBLISHES; k++) {
            target.publish(publisher, "bench-warm", "warm-" + k);
        }
    }

    /** Waits for the gateway's {@code connected} events (nchan has none), then a little for subscriptions. */
    static void settle(SseHerd herd, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (herd.events("connected") > 0 && herd.events("connected") < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
    }

    private static void publish(
            SseHerd.Sequence seq,
            Target target,
            Http1 http,
            Shape shape,
            int first,
            int events,
            long deadline,
            AtomicLongArray answered)
            throws IOException, InterruptedException {
        int step = shape.publishers();
        int window = Math.max(1, shape.window() / step);
        int oldest = first;
        for (int k = first; k < events; k += step) {
            while ((k - oldest) / step >= window) {
                if (!seq.awaitDone(oldest, deadline)) {
                    throw new IllegalStateException(target.name() + ": fan-out stalled at event " + oldest + " ("
                            + seq.counts.get(oldest) + " of " + shape.perTopic() + ")");
                }
                oldest += step;
            }
            long sent = System.nanoTime();
            target.publish(http, topic(k % shape.topics()), SseHerd.Sequence.stamped(k));
            answered.set(k, System.nanoTime() - sent);
        }
    }

    private static void awaitDone(SseHerd.Sequence seq, int k, long deadline, Target target)
            throws InterruptedException {
        if (!seq.awaitDone(k, deadline)) {
            throw new IllegalStateException(target.name() + ": event " + k + " reached " + seq.counts.get(k) + " of "
                    + seq.expected + " subscribers");
        }
    }

    private static long duplicated(SseHerd.Sequence seq, int expected) {
        long extra = 0;
        for (int k = 0; k < seq.counts.length(); k++) {
            extra += Math.max(0, seq.counts.get(k) - expected);
        }
        return extra;
    }

    /** The publisher credential of the gateway's rows: an API key with a grant to publish anywhere. */
    static final String PUBLISHER_KEY = "pk-bench-0123456789abcdef0123456789";

    /**
     * @return the gateway's {@code API_KEYS} entry of {@link #PUBLISHER_KEY} (its SHA-256, a grant for every topic)
     */
    static String publisherKeyEntry() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(PUBLISHER_KEY.getBytes(StandardCharsets.UTF_8));
            return "bench-publisher:" + java.util.HexFormat.of().formatHex(digest) + ":publish=*";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The gateway: subscribers on its stream listener ({@code GET /sse/sub-<i>?topic=<t>}), events published
     * there too ({@code POST /publish/<t>} with {@link #PUBLISHER_KEY}), as nchan's are on its one port.
     */
    static Target gateway() {
        return new Target() {
            @Override
            public String name() {
                return "gateway";
            }

            @Override
            public int subscribePort(Rig.Server server) {
                return server.streamPort();
            }

            @Override
            public String path(int i, String topic) {
                return "/sse/sub-" + i + "?topic=" + topic;
            }

            @Override
            public URI publishUri(Rig.Server server) {
                return URI.create("http://127.0.0.1:" + server.streamPort());
            }

            @Override
            public void publish(Http1 http, String topic, String text) throws IOException {
                Http1.Answer a = http.send(
                        "POST",
                        "/publish/" + topic,
                        Map.of("Content-Type", "application/json", "X-API-Key", PUBLISHER_KEY),
                        ("{\"data\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
                if (a.status() != 202) {
                    throw new IOException("publish refused: " + a.status() + " " + a.text());
                }
            }
        };
    }

    /**
     * The same server with run {@code run}'s own topics: a server kept across runs (the one nginx of a full run)
     * then starts each run with channels no earlier run has published to.
     */
    static Target inRun(Target target, int run) {
        String prefix = "run" + run + "-";
        return new Target() {
            @Override
            public String name() {
                return target.name();
            }

            @Override
            public int subscribePort(Rig.Server server) {
                return target.subscribePort(server);
            }

            @Override
            public String path(int i, String topic) {
                return target.path(i, prefix + topic);
            }

            @Override
            public URI publishUri(Rig.Server server) {
                return target.publishUri(server);
            }

            @Override
            public void publish(Http1 http, String topic, String text) throws IOException {
                target.publish(http, prefix + topic, text);
            }
        };
    }

    /** nginx+nchan: a channel per topic, {@code GET /sub?id=<t>} and {@code POST /pub?id=<t>}. */
    static Target nchan() {
        return new Target() {
            @Override
            public String name() {
                return "nginx+nchan";
            }

            @Override
            public int subscribePort(Rig.Server server) {
                return server.port();
            }

            @Override
            public String path(int i, String topic) {
                return "/sub?id=" + topic;
            }

            @Override
            public URI publishUri(Rig.Server server) {
                return server.uri();
            }

            @Override
            public void publish(Http1 http, String topic, String text) throws IOException {
                Http1.Answer a = http.send(
                        "POST",
                        "/pub?id=" + topic,
                        Map.of("Content-Type", "text/plain"),
                        text.getBytes(StandardCharsets.UTF_8));
                if (a.status() / 100 != 2) {
                    throw new IOException("publish refused: " + a.status() + " " + a.text());
                }
            }
        };
    }
}
