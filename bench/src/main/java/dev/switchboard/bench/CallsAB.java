package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code calls-ab --base DIR [--rounds N]}: the gateway's CPU per call of two builds side by side, in one run, on
 * one machine state: this tree's gateway jar and the one under {@code DIR} (a tree, or any directory holding
 * {@code gateway/target/switchboard-gateway.jar} and {@code gateway/jvm.options}). Both gateways call the same
 * echo and MCP functions; each round measures every row on both, in alternating order, so that a ratio is
 * taken between two windows seconds apart. What a loaded shared machine blurs least is the gateway's own CPU
 * per call (its process's CPU time over the window divided by the calls answered), so that is the figure; beside
 * it, what the gateway allocated per call ({@link YoungAllocation}), which repeats to a few percent where the CPU
 * moves by a tenth or more, and so shows a leaner call path that the CPU cannot.
 * Each gateway is first warmed for {@link #WARMUP} per row: on a loaded machine the JIT takes that long, and
 * an A/A run (the same jar twice) with 10 s of warm-up spread 0.67×–1.07× at c=16.
 */
final class CallsAB {
    private static final Duration WARMUP = Duration.ofSeconds(30);
    private static final Duration WINDOW = Duration.ofSeconds(5);

    /**
     * @param mcp    an MCP tools/call, else /invoke
     * @param stream on the stream listener ({@code STREAM_PORT}), else the public one
     */
    private record Row(String name, int concurrency, boolean mcp, boolean stream) {}

    /**
     * The rows of the targets (c=16), and a caller that waits for each answer (c=1) on the stream listener, where
     * what a call costs is mostly how its threads are woken (bench/notes.md, 2026-12-03); read its calls/s beside
     * the CPU, which the process's background work (JIT, timers) blurs at that rate. {@code /invoke} on the stream
     * listener at c=16 and c=64 too: which threads serve its connections depends on how many callers there are.
     */
    private static final List<Row> ROWS = List.of(
            new Row("/invoke", 16, false, false),
            new Row("MCP tools/call", 16, true, false),
            new Row("MCP tools/call (STREAM_PORT)", 16, true, true),
            new Row("/invoke (STREAM_PORT)", 1, false, true),
            new Row("/invoke (STREAM_PORT)", 16, false, true),
            new Row("/invoke (STREAM_PORT)", 64, false, true),
            new Row("MCP tools/call (STREAM_PORT)", 1, true, true));

    private CallsAB() {}

    static String run(Path root, Path base, int rounds, Path work) throws IOException, InterruptedException {
        try (Rig rig = new Rig(root, work.resolve("new"));
                Rig baseRig = new Rig(base, work.resolve("base"))) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Map<String, String> config = Map.of("MAX_PENDING_HEADS_PER_IP", "1000000");
            Rig.Server after = rig.gateway("bench-gw-new", config);
            Rig.Server before = baseRig.gateway("bench-gw-base", config);
            Rig.registerExamples(after, echo, mcp);
            Rig.registerExamples(before, echo, mcp);
            for (Rig.Server gateway : List.of(before, after)) {
                for (Row row : ROWS) {
                    measure(gateway, row, WARMUP);
                }
            }
            double[][] ratios = new double[ROWS.size()][rounds];
            double[][] baseCpu = new double[ROWS.size()][rounds];
            double[][] newCpu = new double[ROWS.size()][rounds];
            double[][] baseAlloc = new double[ROWS.size()][rounds];
            double[][] newAlloc = new double[ROWS.size()][rounds];
            StringBuilder out =
                    new StringBuilder("| Round | Call | Concurrency | Base CPU/call | New CPU/call | New ÷ base |"
                            + " Base calls/s | New calls/s | Base KB/call | New KB/call |\n"
                            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < ROWS.size(); i++) {
                    Row row = ROWS.get(i);
                    boolean baseFirst = (r + i) % 2 == 0;
                    double[] b = new double[2];
                    double[] n = new double[2];
                    if (baseFirst) {
                        b = measure(before, row, WINDOW);
                        n = measure(after, row, WINDOW);
                    } else {
                        n = measure(after, row, WINDOW);
                        b = measure(before, row, WINDOW);
                    }
                    baseCpu[i][r] = b[0];
                    newCpu[i][r] = n[0];
                    baseAlloc[i][r] = b[2];
                    newAlloc[i][r] = n[2];
                    ratios[i][r] = n[0] / b[0];
                    out.append("| %d | %s | %d | %.1f µs | %.1f µs | %.2f× | %,.0f | %,.0f | %.2f | %.2f |\n"
                            .formatted(
                                    r + 1,
                                    row.name(),
                                    row.concurrency(),
                                    b[0],
                                    n[0],
                                    ratios[i][r],
                                    b[1],
                                    n[1],
                                    b[2],
                                    n[2]));
                }
            }
            out.append("\n| Call | Concurrency | Median base CPU/call | Median new CPU/call | Median new ÷ base |"
                    + " Range of new ÷ base | Allocation per call, base → new (ranges) |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- |\n");
            for (int i = 0; i < ROWS.size(); i++) {
                out.append("| %s | %d | %.1f µs | %.1f µs | %.2f× | %s | %s → %s KB |\n"
                        .formatted(
                                ROWS.get(i).name(),
                                ROWS.get(i).concurrency(),
                                median(baseCpu[i]),
                                median(newCpu[i]),
                                median(ratios[i]),
                                range(ratios[i], "%.2f×–%.2f×"),
                                range(baseAlloc[i], "%.2f–%.2f"),
                                range(newAlloc[i], "%.2f–%.2f")));
            }
            return out.toString();
        }
    }

    /** @return CPU per call in µs, calls per second, and KB allocated per call */
    private static double[] measure(Rig.Server gateway, Row row, Duration window)
            throws IOException, InterruptedException {
        java.net.URI target =
                row.stream() ? java.net.URI.create("http://127.0.0.1:" + gateway.streamPort()) : gateway.uri();
        long allocatedBefore = YoungAllocation.of(gateway.proc().pid());
        long before = gateway.proc().cpuMillis();
        LoadLoop.Result r = row.mcp()
                ? LoadLoop.run(
                        target,
                        Requests::gatewayToolsCall,
                        Requests::isToolResult,
                        row.concurrency(),
                        Duration.ZERO,
                        window)
                : LoadLoop.run(
                        target,
                        Requests::gatewayInvoke,
                        a -> a.status() == 200 && a.text().contains("\"success\":true"),
                        row.concurrency(),
                        Duration.ZERO,
                        window);
        if (r.errors() > 0) {
            throw new IllegalStateException(row + " on " + gateway.port() + ": " + r.errors() + " errors");
        }
        long cpuMillis = gateway.proc().cpuMillis() - before;
        long allocated = YoungAllocation.of(gateway.proc().pid()) - allocatedBefore;
        long calls = Math.max(1, r.requests());
        return new double[] {cpuMillis * 1000.0 / calls, r.throughput(), allocated / 1024.0 / calls};
    }

    /** @return the lowest and highest of the values, written by {@code format} */
    private static String range(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return format.formatted(sorted[0], sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
