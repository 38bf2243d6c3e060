package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code floor [--rounds N]}: what bounds the calls against their peers, measured rather than guessed. Beside
 * nginx and the gateway it runs two {@link FloorRelay}s, the least a JVM can do in the gateway's place (one on a
 * selector loop, one on a virtual thread per connection), all in front of the same function, and reads each
 * server's CPU per call split into user space and kernel. For {@code /invoke} (beside nginx {@code proxy_pass},
 * at every concurrency of section 3) the rows answer three questions: does a Java event loop cost what nginx's
 * does (loop relay against nginx), what do blocking virtual threads add (thread relay against loop relay), and
 * what is the gateway's own work (the gateway against the thread relay, whose threading it shares). For MCP
 * {@code tools/call} (beside the direct call, at section 4's concurrency) they show what any hop in front of the
 * function costs against the 0.5× target. Rows alternate within each round, as in sections 3 and 4.
 */
final class CallFloor {
    static final String INVOKE = "invoke";
    static final String MCP = "mcp";
    static final String DIRECT = "the function, called directly";
    static final String NGINX = "nginx proxy_pass";
    static final String LOOP = "Java relay, one selector loop";
    static final String THREAD = "Java relay, virtual thread per connection";
    static final String GATEWAY_STREAM = "gateway /invoke (STREAM_PORT)";
    static final String GATEWAY_PUBLIC = "gateway /invoke (PORT)";
    static final String GATEWAY_MCP = "gateway, MCP session (STREAM_PORT)";

    /**
     * One measured row.
     *
     * @param group        {@link #INVOKE} or {@link #MCP}: the rows compared with the group's first server
     * @param userMicros   the server's user-space CPU per call
     * @param systemMicros the server's kernel CPU per call
     */
    record Row(
            String group,
            String server,
            int concurrency,
            int round,
            double callsPerSecond,
            double p50Millis,
            double userMicros,
            double systemMicros) {
        double cpuMicros() {
            return userMicros + systemMicros;
        }
    }

    private record Target(
            String group,
            String server,
            URI uri,
            Rig.Server process,
            Function<Http1, byte[]> request,
            Predicate<Http1.Answer> good) {}

    private CallFloor() {}

    /**
     * @param root the project's root (built)
     * @param work scratch directory
     * @return the Markdown section
     */
    static String run(Path root, Path work, int[] levels, int rounds, Duration warmup, Duration measure)
            throws IOException, InterruptedException {
        try (Rig rig = new Rig(root, work)) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Rig.Server nginx = rig.nginx(echo.port(), 15, 1_000)
                    .orElseThrow(
                            () -> new IllegalStateException("floor needs nginx with the nchan module (see README)"));
            Rig.Server loop = rig.relay("loop", echo.port());
            Rig.Server thread = rig.relay("thread", echo.port());
            Rig.Server gateway = rig.gateway("bench-gw-floor", Map.of("MAX_PENDING_HEADS_PER_IP", "1000000"));
            Rig.registerExamples(gateway, echo, mcp);
            Predicate<Http1.Answer> ok = a -> a.status() == 200;
            Predicate<Http1.Answer> invoked = a -> a.status() == 200 && a.text().contains("\"success\":true");
            URI streamPort = URI.create("http://127.0.0.1:" + gateway.streamPort());
            List<Target> invokes = List.of(
                    new Target(INVOKE, NGINX, nginx.uri(), nginx, Requests::directEcho, ok),
                    new Target(INVOKE, LOOP, loop.uri(), loop, Requests::directEcho, ok),
                    new Target(INVOKE, THREAD, thread.uri(), thread, Requests::directEcho, ok),
                    new Target(INVOKE, GATEWAY_STREAM, streamPort, gateway, Requests::gatewayInvoke, invoked),
                    new Target(INVOKE, GATEWAY_PUBLIC, gateway.uri(), gateway, Requests::gatewayInvoke, invoked));
            // the MCP target is a ratio to the direct call: what does any hop in front of the function cost?
            Rig.Server mcpNginx = rig.nginx(mcp.port(), 15, 1_000).orElseThrow();
            Rig.Server mcpLoop = rig.relay("loop", mcp.port());
            Rig.Server mcpThread = rig.relay("thread", mcp.port());
            List<Target> mcpCalls = List.of(
                    new Target(MCP, DIRECT, mcp.uri(), mcp, Requests::directToolsCall, Requests::isToolResult),
                    new Target(MCP, NGINX, mcpNginx.uri(), mcpNginx, Requests::directToolsCall, Requests::isToolResult),
                    new Target(MCP, LOOP, mcpLoop.uri(), mcpLoop, Requests::directToolsCall, Requests::isToolResult),
                    new Target(
                            MCP, THREAD, mcpThread.uri(), mcpThread, Requests::directToolsCall, Requests::isToolResult),
                    new Target(
                            MCP, GATEWAY_MCP, streamPort, gateway, Requests::gatewayToolsCall, Requests::isToolResult));
            int mcpConcurrency = levels[levels.length / 2];
            // the MCP function and the gateway's MCP path are JVM code nothing has called yet: a measurement's
            // length of calls first, so that round 1 finds them as warm as the echo function's (section 4 does too)
            for (Target target : List.of(mcpCalls.get(0), mcpCalls.get(mcpCalls.size() - 1))) {
                LoadLoop.run(target.uri(), target.request(), a -> true, mcpConcurrency, measure, Duration.ZERO);
            }
            List<Row> rows = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                BenchMain.log("call floor, round %d of %d".formatted(round, rounds));
                for (int c : levels) {
                    for (Target target : invokes) {
                        rows.add(measure(target, c, round, warmup, measure));
                    }
                }
                for (Target target : mcpCalls) {
                    rows.add(measure(target, mcpConcurrency, round, warmup, measure));
                }
            }
            return markdown(rows, rounds, warmup, measure);
        }
    }

    private static Row measure(Target target, int concurrency, int round, Duration warmup, Duration measure)
            throws InterruptedException {
        LoadLoop.run(target.uri(), target.request(), a -> true, concurrency, Duration.ZERO, warmup);
        Proc.Cpu before = target.process().proc().cpu();
        LoadLoop.Result r =
                LoadLoop.run(target.uri(), target.request(), target.good(), concurrency, Duration.ZERO, measure);
        Proc.Cpu spent = target.process().proc().cpu().minus(before);
        if (r.errors() > 0) {
            throw new IllegalStateException(target.server() + " at c=" + concurrency + ": " + r.errors() + " errors");
        }
        double calls = Math.max(1, r.requests());
        return new Row(
                target.group(),
                target.server(),
                concurrency,
                round,
                r.throughput(),
                r.p50(),
                spent.userMillis() * 1000.0 / calls,
                spent.systemMillis() * 1000.0 / calls);
    }

    /**
     * @return two tables, {@code /invoke} and MCP: each server's medians over the rounds, its calls/s against the
     *     group's first server in the same round (nginx; the direct call), and its CPU per call
     */
    static String markdown(List<Row> rows, int rounds, Duration warmup, Duration measure) {
        StringBuilder out = new StringBuilder("""
                ## What bounds the calls: the gateway beside nginx and two Java relays

                The same function behind nginx `proxy_pass`, two minimal Java relays (`FloorRelay`, each in a JVM \
                with the gateway's `jvm.options`: one selector loop; a virtual thread per connection with blocking \
                reads and writes) and the gateway. Closed loop, %d s warm-up and %d s measured per row, the rows \
                alternated in %d rounds: medians, and each round's calls/s over the first row's of the same round. \
                CPU per call is the server's process (nginx's workers included) over the measured window, split as \
                the kernel accounts it; for the direct call, the function's own.
                """.formatted(warmup.toSeconds(), measure.toSeconds(), rounds));
        table(
                out,
                rows,
                INVOKE,
                "`POST /invoke/echo` (the relays and nginx pass `POST /` to the echo function)",
                "÷ nginx");
        table(
                out,
                rows,
                MCP,
                "MCP `tools/call` on the example MCP function (the gateway: a session per connection)",
                "÷ direct");
        return out.toString();
    }

    private static void table(StringBuilder out, List<Row> rows, String group, String title, String ratioName) {
        Map<String, List<Row>> byRow = new LinkedHashMap<>();
        for (Row row : rows) {
            if (row.group().equals(group)) {
                byRow.computeIfAbsent(row.concurrency() + "|" + row.server(), k -> new ArrayList<>())
                        .add(row);
            }
        }
        if (byRow.isEmpty()) {
            return;
        }
        out.append("\n")
                .append(title)
                .append(":\n\n| Concurrency | Server | Calls/s | ")
                .append(ratioName)
                .append(" (by round) | p50 | CPU per call | user | kernel |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        Map<Integer, List<Row>> baselines = new LinkedHashMap<>();
        for (List<Row> mine : byRow.values()) {
            baselines.putIfAbsent(mine.get(0).concurrency(), mine);
        }
        for (List<Row> mine : byRow.values()) {
            Row first = mine.get(0);
            List<Row> baseline = baselines.get(first.concurrency());
            double[] ratios = new double[mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                ratios[i] = mine.get(i).callsPerSecond() / baseline.get(i).callsPerSecond();
            }
            out.append("| %d | %s | %,.0f | %.2f× (%s) | %.3f ms | %.1f µs | %.1f µs | %.1f µs |\n"
                    .formatted(
                            first.concurrency(),
                            first.server(),
                            Stats.median(mine.stream()
                                    .mapToDouble(Row::callsPerSecond)
                                    .toArray()),
                            Stats.median(ratios),
                            String.join(
                                    ", ",
                                    Arrays.stream(ratios)
                                            .mapToObj("%.2f×"::formatted)
                                            .toList()),
                            Stats.median(
                                    mine.stream().mapToDouble(Row::p50Millis).toArray()),
                            Stats.median(
                                    mine.stream().mapToDouble(Row::cpuMicros).toArray()),
                            Stats.median(
                                    mine.stream().mapToDouble(Row::userMicros).toArray()),
                            Stats.median(
                                    mine.stream().mapToDouble(Row::systemMicros).toArray())));
        }
    }
}
