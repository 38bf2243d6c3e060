package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Scenarios 1 and 2 on one server: N idle SSE connections on one channel (memory and heartbeat CPU per
 * connection), then one event to all N (time until the last client has it), then pipelined events to all
 * N (sustained deliveries per second). The server is either the gateway or nginx+nchan; the difference is
 * only where the herd connects and how an event is published.
 */
final class HeldConnections {
    /** What a server is asked to do. */
    interface Target {
        String name();

        /** @return path of the i-th subscriber */
        String path(int i);

        /** @return the port subscribers connect to */
        default int port(Rig.Server server) {
            return server.port();
        }

        /** Publishes one event whose data contains the text. */
        void publish(Http1 http, String text) throws IOException;
    }

    /**
     * Everything measured on one server. Heartbeat CPU is read over two windows one after the other, the first from
     * one heartbeat interval after the last connection opened: every stream has beaten once, yet a JVM server's
     * compilers are still at work on the heartbeat path (and its per-tick loop runs interpreted). The second, which
     * the targets judge, is the steady state a server holding idle streams pays for as long as it holds them.
     *
     * @param firstWindowCpuMillisPerSecond the first window's CPU (gross)
     * @param cpuMillisPerSecond            the second window's (gross): the steady state
     */
    record Result(
            String server,
            int connections,
            double pssPerConnection,
            double heapPerConnection,
            double firstWindowCpuMillisPerSecond,
            double cpuMillisPerSecond,
            double idleCpuMillisPerSecond,
            long heartbeats,
            double heartbeatsExpected,
            int dropped,
            double fanOutP50,
            double fanOutP99,
            double sustainedPerSecond,
            long lost) {
        /** @return heartbeat CPU net of the server's own idle baseline (the same window with no stream open) */
        double netCpuMillisPerSecond() {
            return cpuMillisPerSecond - idleCpuMillisPerSecond;
        }
    }

    /** Fan-out events kept in flight at once in the sustained phase. */
    static final int WINDOW = 4;

    /** How long a fresh server is left alone before its idle baseline is read, in a measuring run. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private HeldConnections() {}

    /**
     * @param server       the server, already started
     * @param target       how to use it
     * @param jvm          whether the server is a JVM (live heap measured)
     * @param n            connections
     * @param idle         idle window for the CPU reading (at least two heartbeat intervals)
     * @param settle       how long the fresh server is left alone before its idle baseline is read
     * @param heartbeat    the server's heartbeat interval
     * @param repeats      fan-out repeats
     * @param pipelined    events sent for the sustained figure
     */
    static Result run(
            Rig.Server server,
            Target target,
            boolean jvm,
            int n,
            Duration idle,
            Duration settle,
            Duration heartbeat,
            int repeats,
            int pipelined)
            throws IOException, InterruptedException {
        Thread.sleep(1000);
        // the heap reading forces a full GC: take it first, both times, so PSS is read in the same state
        long heapBefore = jvm ? server.proc().liveHeapBytes() : 0;
        long pssBefore = server.proc().pssBytes();
        // what the process spends with no stream open, over the same window: the heartbeat figure's baseline,
        // read once its start-up work (class loading, the first compilations) has settled
        Thread.sleep(settle.toMillis());
        double idleCpuPerSecond = server.proc().cpuMillisPerSecond(idle);
        try (SseHerd herd = new SseHerd(
                        "127.0.0.1", target.port(server), target::path, Map.of("Accept", "text/event-stream"));
                Http1 publisher = new Http1(server.uri())) {
            herd.open(n, Duration.ofSeconds(Math.max(30, n / 200)));
            // every stream beats once before the first window (the first compilation of the heartbeat path took
            // 2-5 ms/s of a 30 s window right after the open); the compilers still work through it in that window
            // (bench/notes.md, "What the heartbeat window runs"), so the steady state is the window after it
            Thread.sleep(heartbeat.toMillis() + 2000);
            double firstWindowCpuPerSecond = server.proc().cpuMillisPerSecond(idle);

            long heartbeatsBefore = herd.events("heartbeat");
            long idleStart = System.nanoTime();
            double cpuPerSecond = server.proc().cpuMillisPerSecond(idle);
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
            long heartbeats = herd.events("heartbeat") - heartbeatsBefore;

            long heapAfter = jvm ? server.proc().liveHeapBytes() : 0;
            long pssAfter = server.proc().pssBytes();

            // fan-outs first that are not recorded, as section 7.1 does: a JVM server's first ones run its publish
            // and fan-out paths before they are compiled (with the compiler taking a core), a one-off that the
            // worst of 50 would otherwise report as the steady state
            double[] warm = fanOuts(herd, target, publisher, n, "warm", Math.min(WARM_FAN_OUTS, repeats));
            double[] fanOut = fanOuts(herd, target, publisher, n, "fan", repeats);
            BenchMain.log("held connections: %s fan-out, not recorded first: %s ms; recorded p50 %.1f ms, slowest %s"
                    .formatted(target.name(), millisList(warm), Stats.percentile(fanOut, 50), slowest(fanOut, 3)));

            double sustained = sustained(herd, target, publisher, n, pipelined);
            long lost = (long) pipelined * n - herd.sequenceDelivered();
            return new Result(
                    target.name(),
                    n,
                    (double) (pssAfter - pssBefore) / n,
                    jvm ? (double) (heapAfter - heapBefore) / n : Double.NaN,
                    firstWindowCpuPerSecond,
                    cpuPerSecond,
                    idleCpuPerSecond,
                    heartbeats,
                    n * idleSeconds / heartbeat.toSeconds(),
                    herd.closed(),
                    Stats.percentile(fanOut, 50),
                    Stats.percentile(fanOut, 99),
                    sustained,
                    lost);
        }
    }

    /**
     * Publishes numbered events keeping at most {@link #WINDOW} not yet delivered to every connection;
     * returns deliveries per second from the first publish to the last delivery.
     */
    private static double sustained(SseHerd herd, Target target, Http1 publisher, int n, int events)
            throws IOException, InterruptedException {
        SseHerd.Sequence seq = herd.sequence(events, n);
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(120).toNanos();
        int done = 0;
        for (int k = 0; k < events; k++) {
            while (k - done >= WINDOW) {
                if (!seq.awaitDone(done, deadline)) {
                    throw new IllegalStateException(target.name() + ": sustained fan-out stalled at event " + done);
                }
                done++;
            }
            target.publish(publisher, "seq-" + k + "-");
        }
        while (done < events && seq.awaitDone(done, deadline)) {
            done++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return seq.delivered.get() / seconds;
    }

    /** The gateway's stream listener ({@code STREAM_PORT}): the same requests on its event loop. */
    static Target gatewayStreams() {
        Target publicListener = gateway();
        return new Target() {
            @Override
            public String name() {
                return STREAM_LISTENER;
            }

            @Override
            public String path(int i) {
                return publicListener.path(i);
            }

            @Override
            public int port(Rig.Server server) {
                return server.streamPort();
            }

            @Override
            public void publish(Http1 http, String text) throws IOException {
                publicListener.publish(http, text);
            }
        };
    }

    /** Row names of the gateway's two transports. */
    static final String STREAM_LISTENER = "gateway, stream listener";

    static final String PUBLIC_LISTENER = "gateway, public listener";

    /** The gateway: {@code GET /sse/herd}, events made by async calls to the echo function. */
    static Target gateway() {
        return new Target() {
            @Override
            public String name() {
                return PUBLIC_LISTENER;
            }

            @Override
            public String path(int i) {
                return "/sse/herd";
            }

            @Override
            public void publish(Http1 http, String text) throws IOException {
                Http1.Answer a = http.send(
                        "POST",
                        "/invoke/echo",
                        Map.of("Content-Type", "application/json"),
                        ("{\"payload\":\"" + text + "\",\"client_id\":\"herd\",\"async\":true}")
                                .getBytes(StandardCharsets.UTF_8));
                if (a.status() != 202) {
                    throw new IOException("publish refused: " + a.status() + " " + a.text());
                }
            }
        };
    }

    /** nginx+nchan: {@code GET /sub?id=herd}, events published with {@code POST /pub?id=herd}. */
    static Target nchan() {
        return new Target() {
            @Override
            public String name() {
                return "nginx+nchan";
            }

            @Override
            public String path(int i) {
                return "/sub?id=herd";
            }

            @Override
            public void publish(Http1 http, String text) throws IOException {
                Http1.Answer a = http.send(
                        "POST",
                        "/pub?id=herd",
                        Map.of("Content-Type", "text/plain"),
                        text.getBytes(StandardCharsets.UTF_8));
                if (a.status() / 100 != 2) {
                    throw new IOException("publish refused: " + a.status() + " " + a.text());
                }
            }
        };
    }

    /** Fan-outs not recorded before the measured ones (section 2). */
    static final int WARM_FAN_OUTS = 10;

    /** Publishes {@code count} events to every connection, one at a time; each one's time to the last receipt. */
    private static double[] fanOuts(SseHerd herd, Target target, Http1 publisher, int n, String name, int count)
            throws IOException, InterruptedException {
        double[] times = new double[count];
        for (int r = 0; r < count; r++) {
            String prefix = name + "-" + r + "-";
            SseHerd.Watch watch = herd.watch(prefix);
            long sent = System.nanoTime();
            target.publish(publisher, prefix);
            if (!watch.await(n, Duration.ofSeconds(30))) {
                throw new IllegalStateException(
                        target.name() + ": fan-out " + prefix + " reached " + watch.received.get() + " of " + n);
            }
            times[r] = Stats.millis(watch.lastNanos - sent);
            Thread.sleep(100);
        }
        return times;
    }

    private static String millisList(double[] times) {
        StringBuilder text = new StringBuilder();
        for (double t : times) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format("%.1f", t));
        }
        return text.toString();
    }

    /** The slowest of a series, each with its index: whether a tail is the first ones (cold) or spread. */
    private static String slowest(double[] times, int count) {
        StringBuilder text = new StringBuilder();
        for (int e : Stats.largest(times, count)) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format("#%d %.1f ms", e, times[e]));
        }
        return text.toString();
    }
}
