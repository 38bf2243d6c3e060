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
    private final BenchMain.Plan plan;
    private final Path root;
    private final List<String> targets = new ArrayList<>();
    private final StringBuilder sections = new StringBuilder();
    private final List<String> problems = new ArrayList<>();
    /** Section 2, written after section 1's scale figures when there are any. */
    private final StringBuilder fanOut = new StringBuilder();

    Report(BenchMain.Plan plan, Path root) {
        this.plan = plan;
        this.root = root;
    }

    void held(List<HeldConnections.Result> results, boolean nchanPresent) {
        StringBuilder s = sections;
        s.append("## 1. Idle connections held\n\n");
        s.append("%,d SSE connections on one channel, from one NIO client process spread over 8 source addresses; "
                         .formatted(plan.connections()));
        s.append("heartbeats every %d s; CPU over a %d s idle window. Memory is the server's growth from before the "
                         .formatted(plan.heartbeat().toSeconds(), plan.idle().toSeconds()));
        s.append("connections opened to after, divided by the count: proportional set size (PSS, summed over nginx's "
                         + "processes) and, for the gateway, live Java heap after a full GC. The gateway is measured on "
                         + "both of its transports for `GET /sse`: the stream listener (`STREAM_PORT`, one event loop) "
                         + "and the public listener (Helidon, a virtual thread per connection), each on a fresh "
                         + "gateway.\n\n");
        s.append("| Server | PSS per connection | Live heap per connection | CPU for heartbeats | Heartbeats received "
                         + "(expected) | Dropped |\n| --- | --- | --- | --- | --- | --- |\n");
        for (HeldConnections.Result r : results) {
            s.append("| %s | %s | %s | %.1f ms/s | %,d (%,.0f) | %d |\n".formatted(r.server(), kb(r.pssPerConnection()),
                    Double.isNaN(r.heapPerConnection()) ? "n/a" : kb(r.heapPerConnection()), r.cpuMillisPerSecond(),
                    r.heartbeats(), r.heartbeatsExpected(), r.dropped()));
        }
        s = fanOut;
        s.append("\n## 2. Fan-out\n\n");
        s.append(("One event to all %,d connections, repeated %d times: time from the publishing POST to the last "
                + "client's receipt. Sustained: %d numbered events with at most %d not yet delivered everywhere; "
                + "deliveries per second from the first publish to the last receipt. The gateway's events are "
                + "made by an async call to the echo function (`POST /invoke/echo` with `client_id`), nchan's by "
                + "`POST /pub`.\n\n").formatted(plan.connections(), plan.fanOutRepeats(), plan.pipelined(),
                                                 HeldConnections.WINDOW));
        s.append("| Server | Fan-out p50 | Fan-out p99 | Sustained deliveries/s | Lost |\n| --- | --- | --- | --- | --- |\n");
        for (HeldConnections.Result r : results) {
            s.append("| %s | %.1f ms | %.1f ms | %,.0f | %d |\n".formatted(r.server(), r.fanOutP50(), r.fanOutP99(),
                                                                       r.sustainedPerSecond(), r.lost()));
            if (r.lost() != 0 || r.dropped() != 0) {
                problems.add(r.server() + " lost " + r.lost() + " events and dropped " + r.dropped() + " connections");
            }
        }
        s.append('\n');
        HeldConnections.Result gw = find(results, HeldConnections.STREAM_LISTENER);
        HeldConnections.Result nchan = find(results, "nginx+nchan");
        if (nchanPresent && gw != null && nchan != null) {
            double memory = gw.pssPerConnection() / nchan.pssPerConnection();
            targets.add(row("Memory per idle SSE connection ≤ 1.0× nchan's (PSS, stream listener)",
                            "%s vs %s: %.2f×".formatted(kb(gw.pssPerConnection()), kb(nchan.pssPerConnection()), memory),
                            memory <= 1.0));
            double fan = gw.fanOutP50() / nchan.fanOutP50();
            targets.add(row("Fan-out to the last of N ≤ 1.5× nchan's (p50, stream listener)",
                            "%.1f ms vs %.1f ms: %.2f×".formatted(gw.fanOutP50(), nchan.fanOutP50(), fan), fan <= 1.5));
        } else {
            targets.add(row("Memory and fan-out against nchan", "not measured: nginx with the nchan module is not "
                    + "installed (`apt-get install nginx-light libnginx-mod-nchan`)", false));
        }
    }

    private static HeldConnections.Result find(List<HeldConnections.Result> results, String server) {
        return results.stream().filter(r -> r.server().equals(server)).findFirst().orElse(null);
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
            s.append("| %s | %d | %s | %s | %s | %.1f ms/s | %,d (%,.0f) | %d |\n".formatted(r.server(),
                    r.processes(), kb(r.pssPerConnection()),
                    Double.isNaN(r.heapPerConnection()) ? "n/a" : kb(r.heapPerConnection()),
                    Double.isNaN(r.redisPssPerConnection()) ? "n/a" : kb(r.redisPssPerConnection()),
                    r.cpuMillisPerSecond(), r.heartbeats(), r.heartbeatsExpected(), r.dropped()));
            if (r.dropped() != 0) {
                problems.add(r.server() + " dropped " + r.dropped() + " of " + r.connections() + " idle connections");
            }
        }
        if (results.size() == 2) {
            double memory = results.get(0).pssPerConnection() / results.get(1).pssPerConnection();
            targets.add(row("Memory per idle SSE connection ≤ 1.0× nchan's (PSS, stream listener), at %,d".formatted(
                    plan.scaleConnections()), "%s vs %s: %.2f×".formatted(kb(results.get(0).pssPerConnection()),
                    kb(results.get(1).pssPerConnection()), memory), memory <= 1.0));
        }
        flushFanOut();
    }

    private void flushFanOut() {
        sections.append(fanOut);
        fanOut.setLength(0);
    }

    void invoke(List<InvokeOverhead.Row> rows) {
        flushFanOut();
        StringBuilder s = sections;
        s.append("## 3. Invoke overhead\n\n");
        s.append(("The echo function called directly, through nginx `proxy_pass` (keep-alive upstream), and "
                + "through the gateway (`POST /invoke/echo`, sync). Closed loop on keep-alive connections, %d s "
                + "warm-up then %d s measured per row; latency is per request.\n\n")
                         .formatted(plan.warmup().toSeconds(), plan.measure().toSeconds()));
        s.append("| Concurrency | Target | Requests/s | p50 | p99 | Errors |\n| --- | --- | --- | --- | --- | --- |\n");
        for (InvokeOverhead.Row r : rows) {
            s.append("| %d | %s | %,.0f | %.3f ms | %.3f ms | %d |\n".formatted(r.concurrency(), r.target(),
                    r.result().throughput(), r.result().p50(), r.result().p99(), r.result().errors()));
            check(r.target() + " at concurrency " + r.concurrency(), r.result());
        }
        s.append("\n| Concurrency | Added p50 (gateway − direct) | Added p99 | Throughput gateway / nginx |\n"
                         + "| --- | --- | --- | --- |\n");
        for (int c : plan.levels()) {
            LoadLoop.Result direct = find(rows, "direct", c);
            LoadLoop.Result gateway = find(rows, "gateway /invoke", c);
            LoadLoop.Result nginx = find(rows, "nginx proxy_pass", c);
            double added = gateway.p50() - direct.p50();
            double ratio = nginx == null ? Double.NaN : gateway.throughput() / nginx.throughput();
            s.append("| %d | %.3f ms | %.3f ms | %s |\n".formatted(c, added, gateway.p99() - direct.p99(),
                    nginx == null ? "n/a" : "%.2f×".formatted(ratio)));
            targets.add(row("Invoke: added p50 ≤ 0.5 ms at concurrency " + c, "%.3f ms".formatted(added),
                            added <= 0.5));
            if (nginx != null) {
                targets.add(row("Invoke: throughput ≥ 0.8× nginx proxy at concurrency " + c,
                                "%,.0f vs %,.0f req/s: %.2f×".formatted(gateway.throughput(), nginx.throughput(), ratio),
                                ratio >= 0.8));
            }
        }
        s.append('\n');
    }

    private static LoadLoop.Result find(List<InvokeOverhead.Row> rows, String target, int concurrency) {
        return rows.stream().filter(r -> r.target().equals(target) && r.concurrency() == concurrency)
                .map(InvokeOverhead.Row::result).findFirst().orElse(null);
    }

    void mcp(int concurrency, LoadLoop.Result direct, LoadLoop.Result gateway) {
        StringBuilder s = sections;
        s.append("## 4. MCP tools/call\n\n");
        s.append(("`tools/call` (`test_simple_text`) on the example MCP function: directly (stateless POST) and "
                + "through the gateway (Streamable HTTP, %s session opened once per connection). Concurrency %d, "
                + "%d s measured.\n\n").formatted(Requests.PROTOCOL, concurrency, plan.measure().toSeconds()));
        s.append("| Path | Calls/s | p50 | p99 | Errors |\n| --- | --- | --- | --- | --- |\n");
        s.append("| direct | %,.0f | %.3f ms | %.3f ms | %d |\n".formatted(direct.throughput(), direct.p50(), direct.p99(),
                                                                     direct.errors()));
        s.append("| gateway | %,.0f | %.3f ms | %.3f ms | %d |\n\n".formatted(gateway.throughput(), gateway.p50(),
                                                                         gateway.p99(), gateway.errors()));
        check("MCP direct", direct);
        check("MCP through the gateway", gateway);
        double ratio = gateway.throughput() / direct.throughput();
        targets.add(row("MCP tools/call through the gateway ≥ 0.7× direct throughput",
                        "%,.0f vs %,.0f calls/s: %.2f×".formatted(gateway.throughput(), direct.throughput(), ratio),
                        ratio >= 0.7));
    }

    void crossReplica(CrossReplica.Result r) {
        StringBuilder s = sections;
        s.append("## 5. Cross-replica delivery\n\n");
        s.append(("Two gateway replicas on one Redis. A stream is held by replica A; an async call for its client "
                + "is posted on A (same replica) or on B (cross replica), alternately, %d times each. Latency from "
                + "the POST to the event's arrival on the stream; it includes the echo function's call, the "
                + "append to the Redis Stream and the pub/sub hop, which both paths take.\n\n").formatted(r.samples()));
        s.append("| Posted on | p50 | p99 |\n| --- | --- | --- |\n");
        s.append("| A (holds the stream) | %.2f ms | %.2f ms |\n".formatted(r.sameP50(), r.sameP99()));
        s.append("| B (another replica) | %.2f ms | %.2f ms |\n".formatted(r.crossP50(), r.crossP99()));
        s.append("| added by crossing | %.2f ms | %.2f ms |\n\n".formatted(r.crossP50() - r.sameP50(),
                                                                          r.crossP99() - r.sameP99()));
    }

    void churn(SessionChurn.Result memory, SessionChurn.Result redis, int concurrency) {
        StringBuilder s = sections;
        if (memory.failures() > 0 || (redis != null && redis.failures() > 0) || memory.sessionsPerSecond() == 0) {
            problems.add("session churn failed sessions");
        }
        s.append("## 6. Session churn\n\n");
        s.append(("Whole MCP sessions: `initialize`, `notifications/initialized`, one `tools/call`, `DELETE`; "
                + "concurrency %d, %d s.\n\n").formatted(concurrency, plan.measure().toSeconds()));
        s.append("| State store | Sessions/s | Session p50 | Session p99 | Failures |\n| --- | --- | --- | --- | --- |\n");
        s.append("| memory | %,.0f | %.2f ms | %.2f ms | %d |\n".formatted(memory.sessionsPerSecond(), memory.p50(),
                                                                       memory.p99(), memory.failures()));
        if (redis != null) {
            s.append("| Redis | %,.0f | %.2f ms | %.2f ms | %d |\n".formatted(redis.sessionsPerSecond(), redis.p50(),
                                                                          redis.p99(), redis.failures()));
        }
        s.append('\n');
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
        md.append("Written by `").append(plan.mode().equals("smoke") ? "bench/run-all --smoke" : "bench/run-all")
                .append(plan.connections() == 10_000 || plan.mode().equals("smoke") ? ""
                        : " --connections " + plan.connections())
                .append("` on ").append(LocalDate.now(ZoneOffset.UTC)).append(". Do not edit the figures by hand: "
                        + "run it again. Everything ran on one machine, servers and load clients together, over "
                        + "loopback, each peer in the same run:\n\n");
        md.append("- ").append(Machine.describe()).append("\n\n");
        md.append("## Targets\n\n| Target | Measured (gateway vs peer) | Met |\n| --- | --- | --- |\n");
        targets.forEach(md::append);
        md.append('\n').append(sections);
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
