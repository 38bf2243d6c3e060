package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the figures of one run as Markdown: the targets first (each with the measured ratio and whether
 * it is met), then one section per scenario, then the hand-written notes of {@code bench/notes.md}.
 */
final class Report {
    /** `/invoke` throughput over nginx's, section 3's target. */
    private static final Bound INVOKE_BOUND = Bound.atLeast(0.8);
    /** Issue 17's bound on the latency `/invoke` adds to the direct call (p50), in milliseconds. */
    private static final double ADDED_BOUND_MS = 0.5;
    /** MCP `tools/call` over the direct call, section 4's target; also whole sessions on Redis over memory (6). */
    private static final Bound MCP_BOUND = Bound.atLeast(0.5);

    private final BenchMain.Plan plan;
    private final Path root;
    private final List<String> targets = new ArrayList<>();
    private final StringBuilder sections = new StringBuilder();
    private final List<String> problems = new ArrayList<>();
    /** Section 2, written after section 1's scale figures when there are any. */
    private final StringBuilder fanOut = new StringBuilder();
    /** Section 7, topics. */
    private final StringBuilder topicSection = new StringBuilder();

    Report(BenchMain.Plan plan, Path root) {
        this.plan = plan;
        this.root = root;
    }

    /**
     * @param results  one row per server: the medians of its runs where it ran several times
     * @param repeated the servers measured several times, as many runs each (the stream listener, nchan)
     */
    void held(List<HeldConnections.Result> results, boolean nchanPresent, List<HeldRuns.Summary> repeated) {
        StringBuilder s = sections;
        s.append("## 1. Idle connections held\n\n");
        s.append("%,d SSE connections on one channel, from one NIO client process spread over 8 source addresses; "
                .formatted(plan.connections()));
        s.append("heartbeats every %d s; CPU over two %d s idle windows. Memory is the server's growth from before the "
                .formatted(plan.heartbeat().toSeconds(), plan.idle().toSeconds()));
        s.append("connections opened to after, divided by the count: proportional set size (PSS, summed over nginx's "
                + "processes) and, for the gateway, live Java heap after a full GC. The gateway is measured on "
                + "both ports of its public listener for `GET /sse`, `STREAM_PORT` and `PORT` (one event loop "
                + "each; `PORT` was Helidon's, a virtual thread per connection, until 2026-12-05), each on a "
                + "fresh gateway.\n\n");
        s.append(("CPU for heartbeats is the whole process's over two idle windows with the connections open (gross), "
                        + "one after the other. The first starts one heartbeat interval after the last connection "
                        + "opened: every stream has beaten once, but a JVM server's compilers are still at work on the "
                        + "heartbeat path in it, and the per-tick loop runs interpreted (bench/notes.md, \"What the "
                        + "heartbeat window runs\"). The second is the steady state, what a server holding idle "
                        + "streams pays for as long as it holds them: the figure the targets judge. The "
                        + "idle baseline is the same process's CPU over a window as long before any connection opened, "
                        + "%d s after the server was ready; net is gross minus baseline, what the connections' "
                        + "heartbeats cost. CPU is summed over every thread of the server's processes to the "
                        + "nanosecond (each thread's scheduler statistics, `/proc/<pid>/task/<tid>/schedstat`; "
                        + "until 2026-12-05 it was read in 10 ms clock ticks, steps of 0.33 ms/s over a 30 s window "
                        + "at each reading).\n\n")
                .formatted(plan.settle().toSeconds()));
        s.append("| Server | PSS per connection | Live heap per connection | CPU for heartbeats, first window "
                + "(gross) | CPU for heartbeats, steady state (gross) | Idle baseline (no stream) | Heartbeat CPU net "
                + "| Heartbeats received, steady state window (expected) | Dropped |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (HeldConnections.Result r : results) {
            s.append("| %s | %s | %s | %.1f ms/s | %.1f ms/s | %.1f ms/s | %.1f ms/s | %,d (%,.0f) | %d |\n"
                    .formatted(
                            r.server(),
                            kb(r.pssPerConnection()),
                            Double.isNaN(r.heapPerConnection()) ? "n/a" : kb(r.heapPerConnection()),
                            r.firstWindowCpuMillisPerSecond(),
                            r.cpuMillisPerSecond(),
                            r.idleCpuMillisPerSecond(),
                            r.netCpuMillisPerSecond(),
                            r.heartbeats(),
                            r.heartbeatsExpected(),
                            r.dropped()));
        }
        if (!repeated.isEmpty()) {
            int runs = repeated.getFirst().runs().size();
            s.append(("\nThe stream listener and nchan ran %d times each, one after the other, each on a fresh process "
                            + "and the gateway with its shipped JVM settings (`gateway/jvm.options`); their rows above and in "
                            + "section 2 are the medians (heartbeats, drops and losses summed). PSS per connection in each run, "
                            + "with the spread ((max − min) / median). The run fails as inconclusive when the same-run ratios "
                            + "spread wider than the median ratio's distance from the 1.0× target (without nchan: when the "
                            + "gateway's spread exceeds %.0f%%):\n\n")
                    .formatted(runs, HeldRuns.MAX_SPREAD * 100));
            s.append("| Server |");
            for (int i = 1; i <= runs; i++) {
                s.append(" Run ").append(i).append(" |");
            }
            s.append(" Median | Spread |\n| --- |")
                    .append(" --- |".repeat(runs + 2))
                    .append('\n');
            for (HeldRuns.Summary summary : repeated) {
                s.append("| ").append(summary.server()).append(" |");
                for (HeldConnections.Result r : summary.runs()) {
                    s.append(' ').append(kb(r.pssPerConnection())).append(" |");
                }
                s.append(" %s | %.0f%% |\n"
                        .formatted(
                                kb(summary.median(HeldConnections.Result::pssPerConnection)),
                                summary.pssSpread() * 100));
            }
            if (!plan.mode().equals("smoke")) {
                // the smoke's toy sizes check that everything runs and loses nothing, never a figure
                problems.addAll(
                        HeldRuns.inconclusive(repeated.getFirst(), repeated.size() > 1 ? repeated.get(1) : null));
            }
        }
        s = fanOut;
        s.append("\n## 2. Fan-out\n\n");
        s.append(("One event to all %,d connections, repeated %d times after %d not recorded (a JVM server's first "
                        + "ones run its publish and fan-out paths before they are compiled): time from the publishing "
                        + "POST to the last client's receipt. Sustained: %d numbered events with at most %d not yet delivered everywhere; "
                        + "deliveries per second from the first publish to the last receipt. The gateway's events are "
                        + "made by an async call to the echo function (`POST /invoke/echo` with `client_id`), nchan's by "
                        + "`POST /pub`.\n\n")
                .formatted(
                        plan.connections(),
                        plan.fanOutRepeats(),
                        HeldConnections.WARM_FAN_OUTS,
                        plan.pipelined(),
                        HeldConnections.WINDOW));
        s.append(
                "| Server | Fan-out p50 | Fan-out p99 | Sustained deliveries/s | Lost |\n| --- | --- | --- | --- | --- |\n");
        for (HeldConnections.Result r : results) {
            s.append("| %s | %.1f ms | %.1f ms | %,.0f | %d |\n"
                    .formatted(r.server(), r.fanOutP50(), r.fanOutP99(), r.sustainedPerSecond(), r.lost()));
            if (r.lost() != 0 || r.dropped() != 0) {
                problems.add(r.server() + " lost " + r.lost() + " events and dropped " + r.dropped() + " connections");
            }
        }
        s.append('\n');
        HeldConnections.Result gw = find(results, HeldConnections.STREAM_LISTENER);
        HeldConnections.Result nchan = find(results, "nginx+nchan");
        HeldRuns.Summary gwRuns = repeated.stream()
                .filter(r -> r.server().equals(HeldConnections.STREAM_LISTENER))
                .findFirst()
                .orElse(null);
        HeldRuns.Summary nchanRuns = repeated.stream()
                .filter(r -> r.server().equals("nginx+nchan"))
                .findFirst()
                .orElse(null);
        if (nchanPresent && gw != null && nchan != null) {
            BesideNchan beside = new BesideNchan(gw, nchan, gwRuns, nchanRuns);
            targets.add(beside.target(
                    gwRuns != null && nchanRuns != null
                            ? "Memory per idle SSE connection ≤ 1.0× nchan's in each of %d runs (PSS, stream listener, shipped JVM settings)"
                                    .formatted(gwRuns.runs().size())
                            : "Memory per idle SSE connection ≤ 1.0× nchan's (PSS, stream listener)",
                    "%s vs %s".formatted(kb(gw.pssPerConnection()), kb(nchan.pssPerConnection())),
                    HeldConnections.Result::pssPerConnection));
            targets.add(beside.target(
                    "Heartbeat CPU per idle stream ≤ 1.0× nchan's, gross (stream listener, steady state window)",
                    "%.1f vs %.1f ms/s (the first window: %.1f vs %.1f ms/s)"
                            .formatted(
                                    gw.cpuMillisPerSecond(),
                                    nchan.cpuMillisPerSecond(),
                                    gw.firstWindowCpuMillisPerSecond(),
                                    nchan.firstWindowCpuMillisPerSecond()),
                    HeldConnections.Result::cpuMillisPerSecond));
            targets.add(beside.target(
                    "Heartbeat CPU per idle stream ≤ 1.0× nchan's, net of each server's idle baseline (stream listener)",
                    "%.1f vs %.1f ms/s (baselines %.1f and %.1f ms/s)"
                            .formatted(
                                    gw.netCpuMillisPerSecond(),
                                    nchan.netCpuMillisPerSecond(),
                                    gw.idleCpuMillisPerSecond(),
                                    nchan.idleCpuMillisPerSecond()),
                    HeldConnections.Result::netCpuMillisPerSecond));
            targets.add(beside.target(
                    "Fan-out to the last of N ≤ 1.0× nchan's (p50, stream listener)",
                    "%.1f ms vs %.1f ms".formatted(gw.fanOutP50(), nchan.fanOutP50()),
                    HeldConnections.Result::fanOutP50));
            targets.add(beside.target(
                    "Fan-out to the last of N ≤ 1.0× nchan's (p99, stream listener)",
                    "%.1f ms vs %.1f ms".formatted(gw.fanOutP99(), nchan.fanOutP99()),
                    HeldConnections.Result::fanOutP99));
        } else {
            targets.add(row(
                    "Memory and fan-out against nchan",
                    "not measured: nginx with the nchan module is not "
                            + "installed (`apt-get install nginx-light libnginx-mod-nchan`)",
                    false));
        }
    }

    /**
     * The stream listener's row and runs beside nchan's, for the "≤ 1.0× nchan's" targets of sections 1 and 2: each
     * met only when the gateway's figure over nchan's in the same run holds in every run (a median ratio alone can
     * hide a run on the other side); the rows alone when the servers did not run repeatedly.
     */
    private record BesideNchan(
            HeldConnections.Result gw,
            HeldConnections.Result nchan,
            HeldRuns.Summary gwRuns,
            HeldRuns.Summary nchanRuns) {
        /** @param figures the rows' figures (medians where repeated), "gateway vs nchan" */
        String target(
                String target, String figures, java.util.function.ToDoubleFunction<HeldConnections.Result> figure) {
            double median = figure.applyAsDouble(gw) / figure.applyAsDouble(nchan);
            boolean repeated = gwRuns != null && nchanRuns != null;
            return runByRun(
                    target,
                    figures,
                    median,
                    repeated ? perRun(gwRuns.runs(), nchanRuns.runs(), figure) : List.of(median),
                    repeated,
                    Bound.atMost(1.0));
        }
    }

    /** @return ratios judged against a bound, each written so that its side of the bound shows */
    private static String ratios(List<Double> ratios, Bound bound) {
        return String.join(", ", ratios.stream().map(bound::format).toList());
    }

    /**
     * A target's bound on a ratio, met at or below it or at or above it.
     *
     * @param limit the bound
     * @param upper whether a ratio must stay at or below it (else reach it)
     */
    record Bound(double limit, boolean upper) {
        static Bound atMost(double limit) {
            return new Bound(limit, true);
        }

        static Bound atLeast(double limit) {
            return new Bound(limit, false);
        }

        boolean passes(double ratio) {
            return upper ? ratio <= limit : ratio >= limit;
        }

        /**
         * Two decimals, or as many more as it takes for a ratio beside the bound not to print as the bound itself:
         * 0.7988 against 0.8 is written 0.799×, so a miss never reads "0.80×".
         */
        String format(double ratio) {
            int decimals = 2;
            while (ratio != limit && decimals < 6 && round(ratio, decimals).equals(round(limit, decimals))) {
                decimals++;
            }
            return round(ratio, decimals) + "×";
        }

        private static String round(double value, int decimals) {
            return ("%." + decimals + "f").formatted(value);
        }
    }

    /** @return run by run, the gateway's figure over the peer run's beside it */
    private static <T> List<Double> perRun(
            List<T> gateway, List<T> peer, java.util.function.ToDoubleFunction<T> figure) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(gateway.size(), peer.size()); i++) {
            ratios.add(figure.applyAsDouble(gateway.get(i)) / figure.applyAsDouble(peer.get(i)));
        }
        return ratios;
    }

    /**
     * A target judged run by run beside the peer: met only when every run's ratio passes.
     *
     * @param figures  the two figures side by side ("gateway vs peer"), medians when repeated
     * @param median   the ratio of those figures
     * @param repeated whether the figures are medians of several runs (else {@code ratios} holds the one ratio)
     */
    private static String runByRun(
            String target, String figures, double median, List<Double> ratios, boolean repeated, Bound bound) {
        boolean met = ratios.stream().allMatch(bound::passes);
        return repeated
                ? row(
                        target,
                        "medians %s: %s; runs %s".formatted(figures, bound.format(median), ratios(ratios, bound)),
                        met)
                : row(target, "%s: %s".formatted(figures, bound.format(median)), met);
    }

    /**
     * Section 1's MCP rows: idle MCP streams on the stream listener, the standalone GET stream and the HTTP+SSE
     * stream in each run beside that run's nchan, and the public listener's once, for comparison.
     *
     * @param standalone       the standalone stream's runs on the stream listener, in order (one per nchan run)
     * @param legacy           the HTTP+SSE stream's runs on the stream listener, in order (one per nchan run)
     * @param onPublicListener the public listener's rows, once each (their ratio is to the first run's nchan)
     * @param nchanRuns        nchan's runs of section 1, or empty without nchan
     */
    void mcpIdle(
            List<McpIdleStreams.Result> standalone,
            List<McpIdleStreams.Result> legacy,
            List<McpIdleStreams.Result> onPublicListener,
            List<HeldConnections.Result> nchanRuns) {
        StringBuilder s = sections;
        s.append("\n### Idle MCP streams\n\n");
        s.append(("%,d idle MCP streams on a fresh gateway, measured as above (PSS and live heap growth per stream, "
                        + "heartbeat comments over the idle window): Streamable HTTP standalone streams (`GET /mcp/tools` "
                        + "with `Mcp-Session-Id`, each session initialized against the example MCP function before the "
                        + "\"before\" reading, so the figure is what the stream adds; what the session added is its own "
                        + "column) and HTTP+SSE streams (`GET /mcp/tools/sse`, which opens its session with the stream), "
                        + "held on `STREAM_PORT` (where the sessions are opened too: one URL) in each of the %d runs, "
                        + "beside that run's nchan, and on `PORT` once, for comparison (its ratio is to the first run's "
                        + "nchan; both ports are the same event loops since 2026-12-05). In-memory state store.\n\n")
                .formatted(plan.connections(), Math.max(standalone.size(), legacy.size())));
        s.append(
                "| Server | Run | PSS per stream | Live heap per stream | PSS per session (before) | CPU for heartbeats "
                        + "| Heartbeats received (expected) | Dropped | Over nchan's PSS, same run |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        beside(standalone, nchanRuns, "MCP standalone stream");
        beside(legacy, nchanRuns, "MCP HTTP+SSE stream");
        for (McpIdleStreams.Result r : onPublicListener) {
            String ratio = nchanRuns.isEmpty()
                    ? "n/a"
                    : "%.2f×"
                            .formatted(
                                    r.pssPerConnection() / nchanRuns.getFirst().pssPerConnection());
            s.append(mcpRow(r, "1", ratio));
        }
        s.append('\n');
    }

    /** One kind's runs on the stream listener, each beside that run's nchan, and its target row. */
    private void beside(List<McpIdleStreams.Result> runs, List<HeldConnections.Result> nchanRuns, String what) {
        List<String> ratios = new ArrayList<>();
        boolean every = !nchanRuns.isEmpty();
        for (int i = 0; i < runs.size(); i++) {
            McpIdleStreams.Result r = runs.get(i);
            String ratio = "n/a";
            if (i < nchanRuns.size()) {
                double x = r.pssPerConnection() / nchanRuns.get(i).pssPerConnection();
                ratio = "%.2f×".formatted(x);
                ratios.add(ratio);
                every &= x <= 1.0;
            }
            sections.append(mcpRow(r, String.valueOf(i + 1), ratio));
        }
        if (!runs.isEmpty() && !nchanRuns.isEmpty()) {
            targets.add(row(
                    "Memory per idle " + what + " ≤ 1.0× nchan's per idle connection in each run (PSS)",
                    "median %s vs nchan %s; runs %s"
                            .formatted(
                                    kb(Stats.median(runs.stream()
                                            .mapToDouble(McpIdleStreams.Result::pssPerConnection)
                                            .toArray())),
                                    kb(Stats.median(nchanRuns.stream()
                                            .mapToDouble(HeldConnections.Result::pssPerConnection)
                                            .toArray())),
                                    String.join(", ", ratios)),
                    every));
        }
    }

    private String mcpRow(McpIdleStreams.Result r, String run, String ratio) {
        if (r.dropped() != 0) {
            problems.add(r.server() + " dropped " + r.dropped() + " streams");
        }
        return "| %s | %s | %s | %s | %s | %.1f ms/s | %,d (%,.0f) | %d | %s |\n"
                .formatted(
                        r.server(),
                        run,
                        kb(r.pssPerConnection()),
                        kb(r.heapPerConnection()),
                        Double.isNaN(r.pssPerSession()) ? "n/a" : kb(r.pssPerSession()),
                        r.cpuMillisPerSecond(),
                        r.heartbeats(),
                        r.heartbeatsExpected(),
                        r.dropped(),
                        ratio);
    }

    private static HeldConnections.Result find(List<HeldConnections.Result> results, String server) {
        return results.stream()
                .filter(r -> r.server().equals(server))
                .findFirst()
                .orElse(null);
    }

    /** Section 1 beyond one process: the gateway fleet and nginx's workers, N over several herds. */
    void scale(List<IdleAtScale.Result> results, BenchMain.Plan plan) {
        StringBuilder s = sections;
        int processes = results.isEmpty() ? 0 : results.getFirst().processes();
        s.append("\n### At %,d connections\n\n".formatted(plan.scaleConnections()));
        s.append(("The same measure beyond what one process may hold (about 20,000 open files here): %d herd "
                        + "processes, each from its own block of 8 source addresses, against %d gateway replicas sharing "
                        + "one Redis (each holding its share; Redis's growth is shown apart) and against nginx with %d "
                        + "workers (`reuseport`). Memory, heap and CPU are summed over the server's processes.\n\n")
                .formatted(processes, processes, processes));
        s.append("| Server | Processes | PSS per connection | Live heap per connection | Redis PSS per connection "
                + "| CPU for heartbeats | Heartbeats received (expected) | Dropped |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (IdleAtScale.Result r : results) {
            s.append("| %s | %d | %s | %s | %s | %.1f ms/s | %,d (%,.0f) | %d |\n"
                    .formatted(
                            r.server(),
                            r.processes(),
                            kb(r.pssPerConnection()),
                            Double.isNaN(r.heapPerConnection()) ? "n/a" : kb(r.heapPerConnection()),
                            Double.isNaN(r.redisPssPerConnection()) ? "n/a" : kb(r.redisPssPerConnection()),
                            r.cpuMillisPerSecond(),
                            r.heartbeats(),
                            r.heartbeatsExpected(),
                            r.dropped()));
            if (r.dropped() != 0) {
                problems.add(r.server() + " dropped " + r.dropped() + " of " + r.connections() + " idle connections");
            }
        }
        if (results.size() == 2) {
            double memory = results.get(0).pssPerConnection() / results.get(1).pssPerConnection();
            targets.add(row(
                    "Memory per idle SSE connection ≤ 1.0× nchan's (PSS, stream listener), at %,d, one run"
                            .formatted(plan.scaleConnections()),
                    "%s vs %s: %.2f×"
                            .formatted(
                                    kb(results.get(0).pssPerConnection()),
                                    kb(results.get(1).pssPerConnection()),
                                    memory),
                    memory <= 1.0));
        }
        flushFanOut();
    }

    private void flushFanOut() {
        sections.append(fanOut);
        fanOut.setLength(0);
    }

    void invoke(List<InvokeOverhead.Row> rows) {
        flushFanOut();
        int rounds = rows.stream().mapToInt(InvokeOverhead.Row::round).max().orElse(0);
        StringBuilder s = sections;
        s.append("## 3. Invoke overhead\n\n");
        s.append(("The echo function called directly, through nginx `proxy_pass` (keep-alive upstream), and "
                        + "through the gateway (`POST /invoke/echo`, sync). Closed loop on keep-alive connections, %d s "
                        + "measured per row in %d slices taken in turn with the level's other rows (a row's slices "
                        + "spread over the same minute as the others', so that a slow spell of the host falls on all "
                        + "of them), %d s warm-up before a row's first slice and %d s before each other; latency is "
                        + "per request. The whole runs in %d rounds: the figures are the rounds' medians (errors "
                        + "summed), and a target is met only when it is met in every round, each round's gateway row "
                        + "against the direct and nginx rows of the same round. The second table's nginx row is "
                        + "what nginx's own hop adds to the direct call, measured the same way: what a proxy adds on "
                        + "this host.\n\n")
                .formatted(
                        plan.measure().toSeconds(),
                        Interleaved.SLICES,
                        plan.warmup().toSeconds(),
                        Interleaved.SLICE_WARMUP.toSeconds(),
                        rounds));
        s.append("| Concurrency | Target | Requests/s | p50 | p99 | Errors | Requests/s by round |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
        for (int c : plan.levels()) {
            for (String target : rows.stream()
                    .filter(r -> r.concurrency() == c)
                    .map(InvokeOverhead.Row::target)
                    .distinct()
                    .toList()) {
                List<LoadLoop.Result> byRound = byRound(rows, target, c);
                s.append("| %d | %s | %s | %s |\n"
                        .formatted(
                                c,
                                target,
                                medianCells(byRound),
                                String.join(
                                        ", ",
                                        byRound.stream()
                                                .map(r -> "%,.0f".formatted(r.throughput()))
                                                .toList())));
                byRound.forEach(r -> check(target + " at concurrency " + c, r));
            }
        }
        s.append("\n| Concurrency | Listener | Added p50 (over direct) | Added p99 | Throughput gateway / nginx "
                + "| Throughput ratio by round |\n| --- | --- | --- | --- | --- | --- |\n");
        for (int c : plan.levels()) {
            referenceHop(rows, c);
            invokeRatios(rows, c, "gateway /invoke", "PORT", "Invoke");
            invokeRatios(rows, c, InvokeOverhead.ON_STREAM_PORT, "STREAM_PORT", "Invoke on STREAM_PORT");
        }
        s.append('\n');
    }

    /**
     * What nginx's own hop adds to the direct call at one concurrency: the same measure as the gateway's rows, so a
     * reader sees what any proxy adds on this host before judging the gateway's added latency against its bound.
     */
    private void referenceHop(List<InvokeOverhead.Row> rows, int c) {
        List<LoadLoop.Result> nginx = byRound(rows, "nginx proxy_pass", c);
        if (nginx.isEmpty()) {
            return;
        }
        sections.append("| %d | nginx proxy_pass (the reference hop) | %.3f ms | %.3f ms | 1.00× | |\n"
                .formatted(
                        c,
                        Stats.median(addedByRound(rows, c, "nginx proxy_pass", LoadLoop.Result::p50)),
                        Stats.median(addedByRound(rows, c, "nginx proxy_pass", LoadLoop.Result::p99))));
    }

    /** @return round by round, a row's latency minus the direct call's of the same round */
    private static List<Double> addedByRound(
            List<InvokeOverhead.Row> rows,
            int c,
            String target,
            java.util.function.ToDoubleFunction<LoadLoop.Result> at) {
        List<LoadLoop.Result> of = byRound(rows, target, c);
        List<LoadLoop.Result> direct = byRound(rows, "direct", c);
        List<Double> added = new ArrayList<>();
        for (int i = 0; i < of.size(); i++) {
            added.add(at.applyAsDouble(of.get(i)) - at.applyAsDouble(direct.get(i)));
        }
        return added;
    }

    /**
     * Section 3's ratios of one listener's row at one concurrency, round by round, and its targets (met in every
     * round); nothing when it did not run.
     */
    private void invokeRatios(List<InvokeOverhead.Row> rows, int c, String target, String listener, String targetName) {
        List<LoadLoop.Result> gateway = byRound(rows, target, c);
        if (gateway.isEmpty()) {
            return;
        }
        List<LoadLoop.Result> nginx = byRound(rows, "nginx proxy_pass", c);
        List<Double> added = addedByRound(rows, c, target, LoadLoop.Result::p50);
        List<Double> addedP99 = addedByRound(rows, c, target, LoadLoop.Result::p99);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < gateway.size() && !nginx.isEmpty(); i++) {
            ratios.add(gateway.get(i).throughput() / nginx.get(i).throughput());
        }
        sections.append("| %d | %s | %.3f ms | %.3f ms | %s | %s |\n"
                .formatted(
                        c,
                        listener,
                        Stats.median(added),
                        Stats.median(addedP99),
                        nginx.isEmpty() ? "n/a" : INVOKE_BOUND.format(Stats.median(ratios)),
                        nginx.isEmpty() ? "n/a" : ratios(ratios, INVOKE_BOUND)));
        targets.add(row(
                "%s: added p50 ≤ %.1f ms at concurrency %d, in every round".formatted(targetName, ADDED_BOUND_MS, c),
                "median %.3f ms; rounds %s%s"
                        .formatted(
                                Stats.median(added),
                                String.join(
                                        ", ",
                                        added.stream().map("%.3f ms"::formatted).toList()),
                                nginx.isEmpty()
                                        ? ""
                                        : "; nginx's own hop adds %.3f ms; %s"
                                                .formatted(
                                                        Stats.median(addedByRound(
                                                                rows, c, "nginx proxy_pass", LoadLoop.Result::p50)),
                                                        rateForAddedBound(rows, c, nginx))),
                added.stream().allMatch(a -> a <= ADDED_BOUND_MS)));
        if (!nginx.isEmpty()) {
            targets.add(throughputTarget(
                    "%s: throughput ≥ 0.8× nginx proxy at concurrency %d, in every round".formatted(targetName, c),
                    "req/s",
                    gateway,
                    nginx,
                    ratios,
                    INVOKE_BOUND));
        }
    }

    /**
     * What the added-latency bound asks of any hop, from the round's own figures: in a closed loop of {@code c}
     * callers the mean latency is {@code c} ÷ throughput (Little's law), so adding at most {@link #ADDED_BOUND_MS}
     * to the direct call's needs a throughput of {@code c ÷ (c ÷ direct + bound)}. Beside nginx's throughput of the
     * same round this says whether the bound is within a proxy's reach on this host, or asks more than nginx does.
     *
     * @return the median over the rounds of that throughput and of its ratio to nginx's, as a sentence
     */
    private static String rateForAddedBound(List<InvokeOverhead.Row> rows, int c, List<LoadLoop.Result> nginx) {
        List<LoadLoop.Result> direct = byRound(rows, "direct", c);
        List<Double> needed = new ArrayList<>();
        List<Double> overNginx = new ArrayList<>();
        for (int i = 0; i < direct.size() && i < nginx.size(); i++) {
            double rate = c / (c / direct.get(i).throughput() + ADDED_BOUND_MS / 1000);
            needed.add(rate);
            overNginx.add(rate / nginx.get(i).throughput());
        }
        return "a closed loop's mean latency being callers ÷ throughput, %.1f ms over the direct call needs %,.0f "
                        .formatted(ADDED_BOUND_MS, Stats.median(needed))
                + "req/s, %.2f× nginx's".formatted(Stats.median(overNginx));
    }

    /** @return one target's results at one concurrency, in round order */
    private static List<LoadLoop.Result> byRound(List<InvokeOverhead.Row> rows, String target, int concurrency) {
        return rows.stream()
                .filter(r -> r.target().equals(target) && r.concurrency() == concurrency)
                .sorted(java.util.Comparator.comparingInt(InvokeOverhead.Row::round))
                .map(InvokeOverhead.Row::result)
                .toList();
    }

    /** @return a load row's cells over its rounds: median rate, p50 and p99, errors summed */
    private static String medianCells(List<LoadLoop.Result> byRound) {
        return "%,.0f | %.3f ms | %.3f ms | %d"
                .formatted(
                        median(byRound, LoadLoop.Result::throughput),
                        median(byRound, LoadLoop.Result::p50),
                        median(byRound, LoadLoop.Result::p99),
                        byRound.stream().mapToLong(LoadLoop.Result::errors).sum());
    }

    private static double median(
            List<LoadLoop.Result> results, java.util.function.ToDoubleFunction<LoadLoop.Result> f) {
        return Stats.median(results.stream().mapToDouble(f).toArray());
    }

    /**
     * Section 4's rows of one round.
     *
     * @param direct           the stateless call straight to the function
     * @param gateway          through the gateway's public listener ({@code PORT})
     * @param gatewayStream    through its stream listener ({@code STREAM_PORT}), or null when it has none
     * @param gatewayStreamSse the same with a client that accepts only SSE, or null
     */
    record McpRound(
            LoadLoop.Result direct,
            LoadLoop.Result gateway,
            LoadLoop.Result gatewayStream,
            LoadLoop.Result gatewayStreamSse) {}

    /** Section 4: the rounds' medians, and each listener's target met only when every round meets it. */
    void mcp(int concurrency, List<McpRound> rounds) {
        StringBuilder s = sections;
        s.append("## 4. MCP tools/call\n\n");
        s.append(("`tools/call` (`test_simple_text`) on the example MCP function: directly (stateless POST) and "
                        + "through the gateway (Streamable HTTP, %s session opened once per keep-alive connection), "
                        + "on both ports of the public listener, `PORT` and `STREAM_PORT` (the same event loops since "
                        + "2026-12-05, when `PORT` stopped being Helidon's). The client accepts JSON and SSE, as clients must: a "
                        + "call answered within 100 ms gets one JSON answer. The last row's client accepts only "
                        + "SSE: its answer is a primed stream whose response is logged for a resume, the cost of a "
                        + "resumable call. The function is first called directly for as long as a measurement, so "
                        + "that every row finds it equally warm. Concurrency %d, %d s measured per row in %d slices "
                        + "taken in turn with the other rows (as in section 3), the rows in %d rounds: medians "
                        + "(errors summed), each round's ratio to the direct call of the same round.\n\n")
                .formatted(
                        Requests.PROTOCOL, concurrency, plan.measure().toSeconds(), Interleaved.SLICES, rounds.size()));
        s.append("| Path | Calls/s | p50 | p99 | Errors | Throughput / direct | By round |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
        List<LoadLoop.Result> direct = rounds.stream().map(McpRound::direct).toList();
        List<LoadLoop.Result> onPublic = rounds.stream().map(McpRound::gateway).toList();
        List<LoadLoop.Result> onStream = rounds.getFirst().gatewayStream() == null
                ? null
                : rounds.stream().map(McpRound::gatewayStream).toList();
        mcpRow("direct", direct, null);
        List<Double> onPublicRatios = mcpRow("gateway `PORT`", onPublic, direct);
        List<Double> onStreamRatios = onStream == null ? null : mcpRow("gateway `STREAM_PORT`", onStream, direct);
        if (rounds.getFirst().gatewayStreamSse() != null) {
            mcpRow(
                    "gateway `STREAM_PORT`, SSE answer",
                    rounds.stream().map(McpRound::gatewayStreamSse).toList(),
                    direct);
        }
        s.append("\n");
        targets.add(throughputTarget(
                "MCP tools/call through the gateway's public listener ≥ 0.5× direct throughput, in every round",
                "calls/s",
                onPublic,
                direct,
                onPublicRatios,
                MCP_BOUND));
        if (onStream != null) {
            targets.add(throughputTarget(
                    "MCP tools/call through the gateway's stream listener ≥ 0.5× direct throughput, in every round",
                    "calls/s",
                    onStream,
                    direct,
                    onStreamRatios,
                    MCP_BOUND));
        }
    }

    /** @return the row's throughput over the direct call's, round by round (empty for the direct row itself) */
    private List<Double> mcpRow(String path, List<LoadLoop.Result> byRound, List<LoadLoop.Result> direct) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; direct != null && i < byRound.size(); i++) {
            ratios.add(byRound.get(i).throughput() / direct.get(i).throughput());
        }
        sections.append("| %s | %s | %s | %s |\n"
                .formatted(
                        path,
                        medianCells(byRound),
                        direct == null ? "" : MCP_BOUND.format(Stats.median(ratios)),
                        direct == null
                                ? String.join(
                                        ", ",
                                        byRound.stream()
                                                .map(r -> "%,.0f/s".formatted(r.throughput()))
                                                .toList())
                                : ratios(ratios, MCP_BOUND)));
        byRound.forEach(r -> check("MCP " + path, r));
        return ratios;
    }

    /**
     * A throughput target over a peer measured in the same rounds: met only when every round's ratio reaches
     * {@code atLeast}.
     */
    private static String throughputTarget(
            String target,
            String unit,
            List<LoadLoop.Result> gateway,
            List<LoadLoop.Result> peer,
            List<Double> ratios,
            Bound atLeast) {
        return row(
                target,
                "medians %,.0f vs %,.0f %s: %s; rounds %s"
                        .formatted(
                                median(gateway, LoadLoop.Result::throughput),
                                median(peer, LoadLoop.Result::throughput),
                                unit,
                                atLeast.format(Stats.median(ratios)),
                                ratios(ratios, atLeast)),
                ratios.stream().allMatch(atLeast::passes));
    }

    void crossReplica(CrossReplica.Result r) {
        StringBuilder s = sections;
        s.append("## 5. Cross-replica delivery\n\n");
        s.append(("Two gateway replicas on one Redis. A stream is held by replica A; an async call for its client "
                        + "is posted on A (same replica) or on B (cross replica), alternately, %d times each. Latency from "
                        + "the POST to the event's arrival on the stream; it includes the echo function's call, the "
                        + "append to the Redis Stream and the pub/sub hop, which both paths take.\n\n")
                .formatted(r.samples()));
        s.append("| Posted on | p50 | p99 |\n| --- | --- | --- |\n");
        s.append("| A (holds the stream) | %.2f ms | %.2f ms |\n".formatted(r.sameP50(), r.sameP99()));
        s.append("| B (another replica) | %.2f ms | %.2f ms |\n".formatted(r.crossP50(), r.crossP99()));
        s.append("| added by crossing | %.2f ms | %.2f ms |\n\n"
                .formatted(r.crossP50() - r.sameP50(), r.crossP99() - r.sameP99()));
    }

    /** Section 6: whole MCP sessions on Redis against the in-memory store, round by round. */
    void churn(ChurnRounds.Result result) {
        StringBuilder s = sections;
        if (result.failures() > 0) {
            problems.add("session churn failed sessions");
        }
        s.append("## 6. Session churn\n\n");
        s.append(("Whole MCP sessions: `initialize`, `notifications/initialized`, one `tools/call`, `DELETE`, on the "
                        + "in-memory gateway and on the first of two replicas sharing one Redis, measured in turn for "
                        + "%d rounds, each measurement after a warm-up of its own. Before round 1 each gateway runs "
                        + "sessions in windows of half a measurement until its rate is steady (within 10%% of the window before, at most "
                        + "a minute): a gateway JVM compiles its session path for 30-40 s under this load (`java -jar "
                        + "bench/target/switchboard-bench.jar churn --rounds 3` runs this section alone).\n\n")
                .formatted(result.rounds().size()));
        s.append(result.table()).append("per measurement.\n\n");
        double[] ratios = result.sortedRatios();
        targets.add(row(
                "MCP sessions on Redis ≥ 0.5× the in-memory rate, in every round",
                "%s median, %s–%s over %d rounds"
                        .formatted(
                                MCP_BOUND.format(ratios[ratios.length / 2]),
                                MCP_BOUND.format(ratios[0]),
                                MCP_BOUND.format(ratios[ratios.length - 1]),
                                ratios.length),
                MCP_BOUND.passes(ratios[0])));
    }

    /** One run of section 7.1: the gateway's result and nchan's beside it (null without nchan). */
    record TopicRun(TopicFanOut.Result gateway, TopicFanOut.Result nchan) {}

    /**
     * Section 7.1 and 7.2: publishing to topics, the gateway beside nchan.
     *
     * @param runs   7.1's runs, in order: a target is met only when every run meets it
     * @param spread 7.2's rows, measured once (no target of its own)
     */
    void topics(List<TopicRun> runs, List<TopicFanOut.Result> spread, boolean nchanPresent) {
        StringBuilder s = topicSection;
        s.append("## 7. Topics: publish and fan-out\n\n");
        s.append("Events published to topics with no function in the path: the gateway's `POST /publish/{topic}` "
                + "(on its stream listener, with a publisher API key) against nchan's `POST /pub?id=` on a channel "
                + "per topic; each server's publish path is warmed first (10,000 publishes to a topic nobody follows, "
                + "then as many events as the load phase, then, where there is a quiet phase, quiet events until "
                + "the subscribers have been open one heartbeat interval, so every stream has beaten once, and at "
                + "least " + plan.topics().warmSpan().toSeconds() + " s, so a JVM server's compiler has worked "
                + "through its backlog). "
                + "Subscribers follow "
                + "one topic each: `GET /sse/{client}?topic=<t>` on the gateway's stream listener "
                + "(`STREAM_PORT`; a fresh gateway with the in-memory store, as nchan keeps channels in "
                + "memory) and `GET /sub?id=<t>` on nchan. Every event carries its publish time in its data; "
                + "its latency is the time to the **last** subscriber of its topic. Section 7 alone: `"
                + TOPICS_COMMAND + "`.\n\n");
        TopicFanOut.Shape shape =
                runs.isEmpty() ? null : runs.getFirst().gateway().shape();
        if (shape != null) {
            s.append(("### 7.1 One topic, %,d subscribers\n\n"
                            + "Quiet: %d single events, one at a time. Under load: %d events with at most %d not yet delivered "
                            + "to every subscriber, from one publishing connection; deliveries per second from the first "
                            + "publish to the last receipt. %d runs, each on a fresh gateway beside nchan (each run on "
                            + "topics of its own), and a target is met only when every run meets it.\n\n")
                    .formatted(
                            shape.subscribers(), shape.quietEvents(), shape.loadEvents(), shape.window(), runs.size()));
            s.append(
                    "| Run | Server | Quiet p50 | Quiet p99 | Under load p50 | Under load p99 | Deliveries/s | Lost |\n"
                            + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (int i = 0; i < runs.size(); i++) {
                TopicRun run = runs.get(i);
                s.append("| ").append(i + 1).append(' ').append(quietRow(run.gateway()));
                if (run.nchan() != null) {
                    s.append("| ").append(i + 1).append(' ').append(quietRow(run.nchan()));
                }
            }
            s.append('\n');
        }
        List<TopicRun> beside = runs.stream().filter(r -> r.nchan() != null).toList();
        if (nchanPresent && !beside.isEmpty()) {
            List<TopicFanOut.Result> gw = beside.stream().map(TopicRun::gateway).toList();
            List<TopicFanOut.Result> nchan =
                    beside.stream().map(TopicRun::nchan).toList();
            s.append("Gateway / nchan, run by run: fan-out p50 %s; p99 %s; deliveries/s %s.\n\n"
                    .formatted(
                            ratios(perRun(gw, nchan, TopicFanOut.Result::quietP50), Bound.atMost(1.0)),
                            ratios(perRun(gw, nchan, TopicFanOut.Result::quietP99), Bound.atMost(1.0)),
                            ratios(perRun(gw, nchan, TopicFanOut.Result::deliveriesPerSecond), Bound.atLeast(1.5))));
            String subscribers = "%,d".formatted(shape.subscribers());
            String judged = beside.size() > 1 ? "in every run" : "one run";
            targets.add(topicTarget(
                    "Topic publish to the last of %s subscribers ≤ 1.0× nchan's (p50, %s)"
                            .formatted(subscribers, judged),
                    gw,
                    nchan,
                    TopicFanOut.Result::quietP50,
                    "%.1f ms vs %.1f ms",
                    Bound.atMost(1.0)));
            targets.add(topicTarget(
                    "Topic publish to the last of %s subscribers ≤ 1.0× nchan's (p99, %s)"
                            .formatted(subscribers, judged),
                    gw,
                    nchan,
                    TopicFanOut.Result::quietP99,
                    "%.1f ms vs %.1f ms",
                    Bound.atMost(1.0)));
            targets.add(topicTarget(
                    "Topic publish: sustained deliveries/s ≥ 1.5× nchan's (%s)".formatted(judged),
                    gw,
                    nchan,
                    TopicFanOut.Result::deliveriesPerSecond,
                    "%,.0f vs %,.0f",
                    Bound.atLeast(1.5)));
        } else {
            targets.add(row(
                    "Topic publish against nchan",
                    "not measured: nginx with the nchan module is not "
                            + "installed (`apt-get install nginx-light libnginx-mod-nchan`)",
                    false));
        }
        shape = spread.isEmpty() ? null : spread.getFirst().shape();
        if (shape != null) {
            s.append(("### 7.2 %,d topics × %d subscribers\n\n"
                            + "%,d events spread round robin over the topics by %d publishing connections, at most %d events "
                            + "not yet delivered to all their subscribers; latency to the last subscriber of each event's "
                            + "topic, under that load. nchan answers a publish after its fan-out, the gateway once the "
                            + "event is in the log: its publishers fill the window at once, and each event's latency "
                            + "includes the writes of the events queued before it (the log line `topics: … under load` "
                            + "gives both servers' publish answer and first-subscriber times).\n\n")
                    .formatted(
                            shape.topics(), shape.perTopic(), shape.loadEvents(), shape.publishers(), shape.window()));
            spreadTable(s, spread);
            TopicFanOut.Result g = findTopic(spread, "gateway");
            TopicFanOut.Result n = findTopic(spread, "nginx+nchan");
            if (g != null && n != null) {
                s.append("Gateway / nchan: deliveries/s %.2f×, p99 %.2f×.\n\n"
                        .formatted(g.deliveriesPerSecond() / n.deliveriesPerSecond(), g.loadP99() / n.loadP99()));
            }
        }
        List<TopicFanOut.Result> all = new ArrayList<>(spread);
        runs.forEach(run -> {
            all.add(run.gateway());
            if (run.nchan() != null) {
                all.add(run.nchan());
            }
        });
        for (TopicFanOut.Result r : all) {
            if (r.lost() != 0 || r.duplicated() != 0 || r.dropped() != 0) {
                problems.add("topics: %s (%d × %d) lost %d, duplicated %d events and dropped %d connections"
                        .formatted(
                                r.server(),
                                r.shape().topics(),
                                r.shape().perTopic(),
                                r.lost(),
                                r.duplicated(),
                                r.dropped()));
            }
        }
    }

    /** The command that runs section 7 alone. */
    static final String TOPICS_COMMAND = "bench/run-all --topics";

    /** @return a 7.1 row from the server's name on: quiet and under-load latencies, deliveries/s, losses */
    private static String quietRow(TopicFanOut.Result r) {
        return "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %,.0f | %d |\n"
                .formatted(
                        r.server(),
                        r.quietP50(),
                        r.quietP99(),
                        r.loadP50(),
                        r.loadP99(),
                        r.deliveriesPerSecond(),
                        r.lost());
    }

    private static void spreadTable(StringBuilder s, List<TopicFanOut.Result> rows) {
        s.append("| Server | p50 | p99 | Deliveries/s | Lost |\n| --- | --- | --- | --- | --- |\n");
        for (TopicFanOut.Result r : rows) {
            s.append("| %s | %.1f ms | %.1f ms | %,.0f | %d |\n"
                    .formatted(r.server(), r.loadP50(), r.loadP99(), r.deliveriesPerSecond(), r.lost()));
        }
        s.append('\n');
    }

    /**
     * A 7.1 target: the medians of the runs side by side, and met only when each run's gateway figure over the
     * nchan figure of the same run passes.
     *
     * @param figures how the two medians are written ("gateway vs nchan")
     */
    private static String topicTarget(
            String target,
            List<TopicFanOut.Result> gateway,
            List<TopicFanOut.Result> nchan,
            java.util.function.ToDoubleFunction<TopicFanOut.Result> figure,
            String figures,
            Bound bound) {
        double g = Stats.median(gateway.stream().mapToDouble(figure).toArray());
        double n = Stats.median(nchan.stream().mapToDouble(figure).toArray());
        List<Double> ratios = perRun(gateway, nchan, figure);
        return runByRun(target, figures.formatted(g, n), g / n, ratios, ratios.size() > 1, bound);
    }

    private static TopicFanOut.Result findTopic(List<TopicFanOut.Result> results, String server) {
        return results.stream()
                .filter(r -> r.server().equals(server))
                .findFirst()
                .orElse(null);
    }

    /** Section 7.3: what each replica receives per published event as the fleet grows. */
    void replicas(List<ReplicaFanOut.Result> results) {
        StringBuilder s = topicSection;
        s.append("### 7.3 Fan-out over replicas\n\n");
        if (results.isEmpty()) {
            s.append("Not measured: `redis-server` is not installed.\n\n");
            return;
        }
        ReplicaFanOut.Result first = results.getFirst();
        s.append(("The same %,d subscribers (%,d topics × %d) on 1 to %d gateway replicas sharing one Redis, each "
                        + "topic's subscribers all on one replica (topic t on replica t mod R); %,d events published on the "
                        + "first replica, round robin over the topics. Received: the growth of each replica's `%s` over the "
                        + "publishing (events its fan-out subscription delivered to it, whether or not it holds a subscriber). "
                        + "A broadcast fan-out makes every replica receive every event (1 per replica, R for the fleet); "
                        + "routed to the replicas holding subscribers, the fleet receives each event about once.\n\n")
                .formatted(
                        first.topics() * first.perTopic(),
                        first.topics(),
                        first.perTopic(),
                        results.getLast().replicas(),
                        first.events(),
                        ReplicaFanOut.RECEIVED_METRIC));
        s.append("| Replicas | Received by each replica | Most by one replica per published event | Fleet per "
                + "published event | Delivered (expected) |\n| --- | --- | --- | --- | --- |\n");
        boolean measured = true;
        boolean met = true;
        StringBuilder figures = new StringBuilder();
        for (ReplicaFanOut.Result r : results) {
            boolean has = r.received() != null;
            measured &= has;
            s.append("| %d | %s | %s | %s | %,d (%,d) |\n"
                    .formatted(
                            r.replicas(),
                            has
                                    ? r.received().stream()
                                            .map(n -> "%,d".formatted(n))
                                            .collect(java.util.stream.Collectors.joining(", "))
                                    : "unavailable",
                            has ? "%.2f".formatted(r.maxPerReplicaPerEvent()) : "n/a",
                            has ? "%.2f".formatted(r.fleetPerEvent()) : "n/a",
                            r.delivered(),
                            r.expected()));
            if (has) {
                met &= r.fleetPerEvent() <= 1.1;
                figures.append(figures.isEmpty() ? "" : ", ")
                        .append("%d: %.2f".formatted(r.replicas(), r.fleetPerEvent()));
            }
            if (r.delivered() != r.expected() || r.dropped() != 0) {
                problems.add("topics over %d replicas: delivered %d of %d events, dropped %d connections"
                        .formatted(r.replicas(), r.delivered(), r.expected(), r.dropped()));
            }
        }
        s.append('\n');
        if (!measured) {
            s.append("`%s` is not exported by this gateway: the received counts are unavailable.\n\n"
                    .formatted(ReplicaFanOut.RECEIVED_METRIC));
        }
        targets.add(
                measured
                        ? row(
                                "Topic fan-out: events received per published event, fleet total, ~1 (≤ 1.1) at every size "
                                        + "(single-replica topics)",
                                "replicas " + figures,
                                met)
                        : "| Topic fan-out: events received per published event ~1 at every fleet size | unavailable: `%s` "
                                        .formatted(ReplicaFanOut.RECEIVED_METRIC)
                                + "is not exported | n/a |\n");
    }

    /** @return sections 1 and 2 alone, with their target rows (the {@code held} mode) */
    String heldMarkdown() {
        StringBuilder md = new StringBuilder("| Target | Measured (gateway vs peer) | Met |\n| --- | --- | --- |\n");
        targets.forEach(md::append);
        return md.append('\n').append(sections).append(fanOut).toString();
    }

    /** @return the targets and sections of a {@code calls} run (3 and 4) */
    String callsMarkdown() {
        StringBuilder md = new StringBuilder("| Target | Measured (gateway vs peer) | Met |\n| --- | --- | --- |\n");
        targets.forEach(md::append);
        return md.append('\n').append(sections).toString();
    }

    /** @return section 7 alone, with its target rows (the {@code topics} mode) */
    String topicsMarkdown() {
        StringBuilder md = new StringBuilder("| Target | Measured (gateway vs peer) | Met |\n| --- | --- | --- |\n");
        targets.forEach(md::append);
        return md.append('\n').append(topicSection).toString();
    }

    private void check(String what, LoadLoop.Result result) {
        if (result.errors() > 0 || result.requests() == 0) {
            problems.add(what + ": " + result.errors() + " errors, " + result.requests() + " good answers");
        }
    }

    /** @return what went wrong (errors, losses): a run with problems measured something broken */
    List<String> problems() {
        return List.copyOf(problems);
    }

    String markdown() throws IOException {
        StringBuilder md = new StringBuilder("# Benchmarks\n\n");
        md.append("Written by `")
                .append(plan.mode().equals("smoke") ? "bench/run-all --smoke" : "bench/run-all")
                .append(
                        plan.connections() == 10_000 || plan.mode().equals("smoke")
                                ? ""
                                : " --connections " + plan.connections())
                .append("` on ")
                .append(LocalDate.now(ZoneOffset.UTC))
                .append(". Do not edit the figures by hand: "
                        + "run it again. Everything ran on one machine, servers and load clients together, over "
                        + "loopback, each peer in the same run:\n\n");
        md.append("- ").append(Machine.describe()).append("\n\n");
        md.append("## Targets\n\n| Target | Measured (gateway vs peer) | Met |\n| --- | --- | --- |\n");
        targets.forEach(md::append);
        md.append('\n').append(sections).append(topicSection);
        Path soak = root.resolve("bench/soak-result.md");
        if (Files.exists(soak)) {
            md.append(Files.readString(soak));
        } else {
            md.append("## Soak\n\nNot run yet: `bench/run-all --soak 30`.\n\n");
        }
        Path monitor = root.resolve("bench/monitor-result.md");
        if (Files.exists(monitor)) {
            md.append(Files.readString(monitor));
        }
        Path notes = root.resolve("bench/notes.md");
        if (Files.exists(notes)) {
            md.append(Files.readString(notes));
        }
        return md.toString();
    }

    private static String row(String target, String measured, boolean met) {
        return "| %s | %s | %s |\n".formatted(target, measured, met ? "yes" : "**no**");
    }

    private static String kb(double bytes) {
        return String.format(Locale.ROOT, "%.1f KB", bytes / 1000.0);
    }
}
