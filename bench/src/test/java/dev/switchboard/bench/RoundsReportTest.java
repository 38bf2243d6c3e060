package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How repeated measurements are judged: a target is met only when every run (sections 1 and 2) or round (sections 3
 * and 4) meets it beside its baseline of the same run, whatever the medians say.
 */
class RoundsReportTest {
    /** A closed-loop result of {@code perSecond} over 10 s, every request taking {@code p50} ms. */
    private static LoadLoop.Result calls(double perSecond, double p50) {
        double[] latencies = new double[100];
        Arrays.fill(latencies, p50);
        return new LoadLoop.Result(Math.round(perSecond * 10), 0, Duration.ofSeconds(10), latencies);
    }

    private static Report report() {
        return new Report(BenchMain.Plan.smoke(), Path.of("."));
    }

    /** Section 3 at the smoke plan's one level (4): direct, nginx and both listeners, per round. */
    private static List<InvokeOverhead.Row> invokeRounds(double[] onPublic, double[] onStream) {
        List<InvokeOverhead.Row> rows = new ArrayList<>();
        for (int i = 0; i < onPublic.length; i++) {
            int round = i + 1;
            rows.add(new InvokeOverhead.Row("direct", 4, round, calls(20_000, 0.2)));
            rows.add(new InvokeOverhead.Row("nginx proxy_pass", 4, round, calls(10_000, 0.3)));
            rows.add(new InvokeOverhead.Row("gateway /invoke", 4, round, calls(10_000 * onPublic[i], 0.4)));
            rows.add(new InvokeOverhead.Row(
                    InvokeOverhead.ON_STREAM_PORT, 4, round, calls(10_000 * onStream[i], i == 1 ? 0.9 : 0.3)));
        }
        return rows;
    }

    @Test
    void anInvokeTargetMetByTheMedianButMissedInOneRoundIsMissed() {
        Report report = report();
        report.invoke(invokeRounds(new double[] {0.85, 0.9, 0.82}, new double[] {0.9, 0.7, 0.85}));

        assertThat(report.callsMarkdown())
                .contains("| Invoke: throughput ≥ 0.8× nginx proxy at concurrency 4, in every round | "
                        + "medians 8,500 vs 10,000 req/s: 0.85×; rounds 0.85×, 0.90×, 0.82× | yes |")
                .contains("| Invoke on STREAM_PORT: throughput ≥ 0.8× nginx proxy at concurrency 4, in every round | "
                        + "medians 8,500 vs 10,000 req/s: 0.85×; rounds 0.90×, 0.70×, 0.85× | **no** |")
                .contains("| Invoke: added p50 ≤ 0.5 ms at concurrency 4, in every round | "
                        + "median 0.200 ms; rounds 0.200 ms, 0.200 ms, 0.200 ms; nginx's own hop adds 0.100 ms; a closed loop's mean latency being callers ÷ throughput, 0.5 ms over the "
                        + "direct call needs 5,714 req/s, 0.57× nginx's | yes |")
                .contains("| Invoke on STREAM_PORT: added p50 ≤ 0.5 ms at concurrency 4, in every round | "
                        + "median 0.100 ms; rounds 0.100 ms, 0.700 ms, 0.100 ms; nginx's own hop adds 0.100 ms; a closed loop's mean latency being callers ÷ throughput, 0.5 ms over the "
                        + "direct call needs 5,714 req/s, 0.57× nginx's | **no** |")
                .contains(
                        "| 4 | gateway /invoke (STREAM_PORT) | 8,500 | 0.300 ms | 0.300 ms | 0 | 9,000, 7,000, 8,500 |")
                .contains("| 4 | STREAM_PORT | 0.100 ms | 0.100 ms | 0.85× | 0.90×, 0.70×, 0.85× |")
                .contains("| 4 | nginx proxy_pass (the reference hop) | 0.100 ms | 0.100 ms | 1.00× | |");
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void aRatioBesideItsBoundIsWrittenWithTheDigitsThatShowWhichSide() {
        Report.Bound invoke = Report.Bound.atLeast(0.8);
        assertThat(invoke.format(0.7988)).isEqualTo("0.799×");
        assertThat(invoke.format(0.80049)).isEqualTo("0.8005×");
        assertThat(invoke.format(0.79999)).isEqualTo("0.79999×");
        assertThat(invoke.format(0.8)).isEqualTo("0.80×");
        assertThat(invoke.format(0.8345)).isEqualTo("0.83×");
        assertThat(Report.Bound.atMost(1.0).format(1.004)).isEqualTo("1.004×");
        assertThat(Report.Bound.atMost(1.0).passes(1.004)).isFalse();

        Report report = report();
        report.invoke(invokeRounds(new double[] {0.7988, 0.9, 0.85}, new double[] {0.9, 0.9, 0.9}));
        assertThat(report.callsMarkdown())
                .contains("| Invoke: throughput ≥ 0.8× nginx proxy at concurrency 4, in every round | "
                        + "medians 8,500 vs 10,000 req/s: 0.85×; rounds 0.799×, 0.90×, 0.85× | **no** |")
                .contains("| 4 | PORT | 0.200 ms | 0.200 ms | 0.85× | 0.799×, 0.90×, 0.85× |");
    }

    @Test
    void anMcpTargetIsMetOnlyWhenEveryRoundReachesHalfTheDirectCallOfItsRound() {
        Report report = report();
        report.mcp(
                16,
                List.of(
                        new Report.McpRound(calls(10_000, 0.3), calls(6_000, 0.6), calls(5_500, 0.5), null),
                        new Report.McpRound(calls(12_000, 0.3), calls(5_400, 0.6), calls(7_200, 0.5), null),
                        new Report.McpRound(calls(11_000, 0.3), calls(6_050, 0.6), calls(6_600, 0.5), null)));

        assertThat(report.callsMarkdown())
                .contains("| MCP tools/call through the gateway's public listener ≥ 0.5× direct throughput, in every "
                        + "round | medians 6,000 vs 11,000 calls/s: 0.55×; rounds 0.60×, 0.45×, 0.55× | **no** |")
                .contains("| MCP tools/call through the gateway's stream listener ≥ 0.5× direct throughput, in every "
                        + "round | medians 6,600 vs 11,000 calls/s: 0.60×; rounds 0.55×, 0.60×, 0.60× | yes |")
                .contains("| direct | 11,000 | 0.300 ms | 0.300 ms | 0 |  | 10,000/s, 12,000/s, 11,000/s |")
                .doesNotContain("SSE answer");
    }

    private static HeldConnections.Result held(String server, double cpu, double idle, double p50, double p99) {
        // the first window's CPU is a unit above the steady state's: the targets must judge the steady state
        return new HeldConnections.Result(
                server, 1000, 2000, 1000, cpu + 1, cpu, idle, 2000, 2000, 0, p50, p99, 1000, 0);
    }

    @Test
    void heartbeatAndFanOutTargetsAreJudgedRunByRunAgainstTheNchanRunBesideThem() {
        List<HeldConnections.Result> gateway = List.of(
                held(HeldConnections.STREAM_LISTENER, 4.0, 0.5, 60, 90),
                held(HeldConnections.STREAM_LISTENER, 4.2, 0.5, 80, 95),
                held(HeldConnections.STREAM_LISTENER, 4.4, 0.5, 62, 120));
        List<HeldConnections.Result> nchan = List.of(
                held("nginx+nchan", 4.3, 0, 70, 100),
                held("nginx+nchan", 4.3, 0, 70, 100),
                held("nginx+nchan", 4.3, 0, 70, 100));
        HeldRuns.Summary gw = new HeldRuns.Summary(HeldConnections.STREAM_LISTENER, gateway);
        HeldRuns.Summary peer = new HeldRuns.Summary("nginx+nchan", nchan);
        Report report = report();
        report.held(List.of(gw.medians(), peer.medians()), true, List.of(gw, peer));

        assertThat(report.heldMarkdown())
                .contains("| Memory per idle SSE connection ≤ 1.0× nchan's in each of 3 runs (PSS, stream listener, "
                        + "shipped JVM settings) | medians 2.0 KB vs 2.0 KB: 1.00×; runs 1.00×, 1.00×, 1.00× | yes |")
                .contains("| Heartbeat CPU per idle stream ≤ 1.0× nchan's, gross (stream listener, steady state "
                        + "window) | medians 4.2 vs 4.3 ms/s (the first window: 5.2 vs 5.3 ms/s): 0.98×; runs 0.93×, "
                        + "0.98×, 1.02× | **no** |")
                .contains("| nginx+nchan | 2.0 KB | 1.0 KB | 5.3 ms/s | 4.3 ms/s |")
                .contains("net of each server's idle baseline (stream listener) | medians 3.7 vs 4.3 ms/s "
                        + "(baselines 0.5 and 0.0 ms/s): 0.86×; runs 0.81×, 0.86×, 0.91× | yes |")
                .contains("| Fan-out to the last of N ≤ 1.0× nchan's (p50, stream listener) | "
                        + "medians 62.0 ms vs 70.0 ms: 0.89×; runs 0.86×, 1.14×, 0.89× | **no** |")
                .contains("| Fan-out to the last of N ≤ 1.0× nchan's (p99, stream listener) | "
                        + "medians 95.0 ms vs 100.0 ms: 0.95×; runs 0.90×, 0.95×, 1.20× | **no** |");
    }

    private static TopicFanOut.Result topic(String server, double p50, double p99, double perSecond) {
        return new TopicFanOut.Result(
                server, BenchMain.Plan.smoke().topics().one(), p50, p99, p50, p99, perSecond, 0, 0, 0);
    }

    @Test
    void topicTargetsAreJudgedRunByRunAgainstTheNchanRunBesideThem() {
        Report report = report();
        report.topics(
                List.of(
                        new Report.TopicRun(topic("gateway", 90, 120, 30_000), topic("nginx+nchan", 100, 150, 10_000)),
                        new Report.TopicRun(topic("gateway", 95, 160, 40_000), topic("nginx+nchan", 100, 150, 20_000)),
                        new Report.TopicRun(topic("gateway", 80, 110, 35_000), topic("nginx+nchan", 100, 150, 30_000))),
                List.of(),
                true);

        assertThat(report.topicsMarkdown())
                .contains("| Topic publish to the last of 100 subscribers ≤ 1.0× nchan's (p50, in every run) | "
                        + "medians 90.0 ms vs 100.0 ms: 0.90×; runs 0.90×, 0.95×, 0.80× | yes |")
                .contains("| Topic publish to the last of 100 subscribers ≤ 1.0× nchan's (p99, in every run) | "
                        + "medians 120.0 ms vs 150.0 ms: 0.80×; runs 0.80×, 1.07×, 0.73× | **no** |")
                .contains("| Topic publish: sustained deliveries/s ≥ 1.5× nchan's (in every run) | "
                        + "medians 35,000 vs 20,000: 1.75×; runs 3.00×, 2.00×, 1.17× | **no** |")
                .contains("| 2 | gateway | 95.0 ms | 160.0 ms | 95.0 ms | 160.0 ms | 40,000 | 0 |")
                .contains("| 3 | nginx+nchan | 100.0 ms | 150.0 ms |")
                .contains("Gateway / nchan, run by run: fan-out p50 0.90×, 0.95×, 0.80×; p99 0.80×, 1.07×, 0.73×; "
                        + "deliveries/s 3.00×, 2.00×, 1.17×.");
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void aTopicRunThatLostEventsIsAProblem() {
        Report report = report();
        TopicFanOut.Result lossy = new TopicFanOut.Result(
                "gateway", BenchMain.Plan.smoke().topics().one(), 90, 120, 90, 120, 30_000, 3, 0, 0);
        report.topics(List.of(new Report.TopicRun(lossy, topic("nginx+nchan", 100, 150, 10_000))), List.of(), true);

        assertThat(report.topicsMarkdown())
                .contains("| Topic publish to the last of 100 subscribers ≤ 1.0× nchan's (p50, one run) | "
                        + "90.0 ms vs 100.0 ms: 0.90× | yes |");
        assertThat(report.problems()).singleElement().asString().contains("gateway (1 × 100) lost 3");
    }
}
