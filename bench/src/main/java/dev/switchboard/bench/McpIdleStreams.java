package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Section 1's MCP rows: N idle MCP streams held by one gateway, measured like the generic ones (whole-process PSS
 * growth and live heap per stream, heartbeat CPU over an idle window). Two kinds: the Streamable HTTP standalone
 * stream ({@code GET /mcp/tools} naming a session that was initialized first, one session per stream) and the
 * HTTP+SSE stream ({@code GET /mcp/tools/sse}, which opens its own session); each on the stream listener
 * ({@code STREAM_PORT}, which serves the whole MCP endpoint: sessions are opened there too, one URL) and, for
 * comparison, on the public listener ({@code PORT}). For the standalone stream the sessions are opened before the
 * "before" reading, so the figure is what the stream adds; what a session costs in the state store is reported
 * beside it.
 */
final class McpIdleStreams {
    /** Which MCP stream, on which listener. */
    enum Kind {
        /** Held by the stream listener's loop ({@code STREAM_PORT}). */
        STANDALONE("gateway, stream listener, MCP standalone GET stream", true, true),
        /** Held by Helidon's thread per connection ({@code PORT}), for comparison. */
        STANDALONE_PUBLIC("gateway, public listener, MCP standalone GET stream", true, false),
        /** Held by the stream listener's loop ({@code STREAM_PORT}). */
        HTTP_SSE("gateway, stream listener, MCP HTTP+SSE stream", false, true),
        /** Held by Helidon's thread per connection ({@code PORT}), for comparison. */
        HTTP_SSE_PUBLIC("gateway, public listener, MCP HTTP+SSE stream", false, false);

        final String row;
        /** A session's standalone stream (else an HTTP+SSE stream, which opens its session). */
        final boolean standalone;
        /** Whether the stream listener holds it (else the public listener). */
        final boolean onStreamListener;

        Kind(String row, boolean standalone, boolean onStreamListener) {
            this.row = row;
            this.standalone = standalone;
            this.onStreamListener = onStreamListener;
        }
    }

    /** The MCP server the streams belong to (the example function, registered as {@code tools}). */
    static final String PATH = "/mcp/tools";
    /** Connections opening sessions at once. */
    private static final int INITIALIZERS = 4;

    /**
     * @param server             the row's name
     * @param pssPerConnection   PSS growth per stream, bytes
     * @param heapPerConnection  live heap growth per stream, bytes
     * @param pssPerSession      for the standalone kind, PSS growth per session opened before the streams (NaN else)
     * @param cpuMillisPerSecond CPU over the idle window
     * @param heartbeats         heartbeat comments received in the idle window
     * @param heartbeatsExpected streams × window / interval
     * @param dropped            streams the gateway closed
     */
    record Result(
            String server,
            int connections,
            double pssPerConnection,
            double heapPerConnection,
            double pssPerSession,
            double cpuMillisPerSecond,
            long heartbeats,
            double heartbeatsExpected,
            int dropped) {}

    private McpIdleStreams() {}

    /**
     * @param gateway   a fresh gateway with the examples registered
     * @param kind      which stream
     * @param port      where the sessions are opened and the streams connect (the listener that serves them)
     * @param n         streams
     * @param idle      idle window for the CPU reading
     * @param heartbeat the gateway's heartbeat interval
     */
    static Result run(Rig.Server gateway, Kind kind, int port, int n, Duration idle, Duration heartbeat)
            throws IOException, InterruptedException {
        Thread.sleep(1000);
        long pssStart = gateway.proc().pssBytes();
        boolean standalone = kind.standalone;
        String[] sessions = standalone ? sessions(port, n) : null;
        Thread.sleep(1000);
        // the heap reading forces a full GC: take it first, both times, so PSS is read in the same state
        long heapBefore = gateway.proc().liveHeapBytes();
        long pssBefore = gateway.proc().pssBytes();
        diagnose(gateway, kind, "before");
        IntFunction<String> path = standalone ? i -> PATH : i -> PATH + "/sse";
        IntFunction<Map<String, String>> headers = standalone
                ? i -> Map.of(
                        "Accept",
                        "text/event-stream",
                        "Mcp-Session-Id",
                        sessions[i],
                        "MCP-Protocol-Version",
                        Requests.PROTOCOL)
                : i -> Map.of("Accept", "text/event-stream");
        try (SseHerd herd = new SseHerd("127.0.0.1", port, path, headers, 0)) {
            // opening an MCP stream on the public listener is slower than a generic one (measured: ~80/s on a loaded
            // machine)
            herd.open(n, Duration.ofSeconds(Math.max(60, n / 20)));
            // as for the generic streams: from one heartbeat interval after the last stream opened, so that the
            // window holds the steady state, not the opening's after-work (the JIT compiling the session paths, the
            // first directory refresh of the new streams, the first collections promoting the sessions)
            Thread.sleep(heartbeat.toMillis() + 2000);
            long beatsBefore = herd.comments();
            long idleStart = System.nanoTime();
            double cpuPerSecond = gateway.proc().cpuMillisPerSecond(idle);
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
            long beats = herd.comments() - beatsBefore;
            long heapAfter = gateway.proc().liveHeapBytes();
            long pssAfter = gateway.proc().pssBytes();
            diagnose(gateway, kind, "after");
            return new Result(
                    kind.row,
                    n,
                    (double) (pssAfter - pssBefore) / n,
                    (double) (heapAfter - heapBefore) / n,
                    sessions == null ? Double.NaN : (double) (pssBefore - pssStart) / n,
                    cpuPerSecond,
                    beats,
                    n * idleSeconds / heartbeat.toSeconds(),
                    herd.closed());
        }
    }

    /**
     * With {@code -Dbench.diagnose=DIR}: the gateway's class histogram and native memory summary (when it runs with
     * {@code -XX:NativeMemoryTracking=summary}) into DIR, to see where a stream's bytes go.
     */
    private static void diagnose(Rig.Server gateway, Kind kind, String when) throws IOException, InterruptedException {
        String dir = System.getProperty("bench.diagnose");
        if (dir == null) {
            return;
        }
        java.nio.file.Path out = java.nio.file.Files.createDirectories(
                java.nio.file.Path.of(dir, kind.name().toLowerCase(java.util.Locale.ROOT)));
        // the parked threads' stacks: how deep a held stream's virtual thread is
        gateway.proc()
                .jcmd(
                        "Thread.dump_to_file",
                        "-overwrite",
                        out.resolve("threads-" + when + ".txt").toString());
        java.nio.file.Files.writeString(
                out.resolve("histogram-" + when + ".txt"), gateway.proc().jcmd("GC.class_histogram"));
        java.nio.file.Files.writeString(
                out.resolve("nmt-" + when + ".txt"), gateway.proc().jcmd("VM.native_memory", "summary"));
        java.nio.file.Files.writeString(
                out.resolve("smaps-" + when + ".txt"),
                java.nio.file.Files.readString(
                        java.nio.file.Path.of("/proc/" + gateway.proc().pid() + "/smaps_rollup")));
    }

    /** Opens {@code n} sessions ({@code initialize} and {@code notifications/initialized}) on a few connections. */
    private static String[] sessions(int port, int n) throws InterruptedException {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port);
        String[] sessions = new String[n];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(INITIALIZERS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < INITIALIZERS; w++) {
                workers.add(pool.submit(() -> {
                    try (Http1 http = new Http1(uri)) {
                        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            sessions[i] = Requests.initialize(http, PATH);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                try {
                    w.get(Math.max(60, n / 20), java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("opening " + n + " MCP sessions failed", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return sessions;
    }
}
