package dev.switchboard.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.metrics.FunctionStats;
import dev.switchboard.gateway.metrics.RecentProblems;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The monitoring page's arithmetic: windows of call totals, quantiles from summed buckets, the bounded ring. */
class FunctionStatsTest {
    @Test
    void aWindowIsTheDifferenceOfTotalsAndQuantilesComeFromBucketsAddedAcrossReplicas() {
        FunctionStats a = new FunctionStats();
        FunctionStats b = new FunctionStats();
        a.record("f", 3, false);
        FunctionStats.Totals before = a.totals().get("f");
        for (int i = 0; i < 98; i++) {
            a.record("f", 4, false);
        }
        b.record("f", 40, true);
        b.record("f", 700, true);
        FunctionStats.Totals window =
                a.totals().get("f").since(before).plus(b.totals().get("f"));
        assertThat(window.calls()).isEqualTo(100);
        assertThat(window.failures()).isEqualTo(2);
        assertThat(window.quantileMillis(0.5)).isEqualTo(5);
        assertThat(window.quantileMillis(0.99)).isEqualTo(50);
        assertThat(window.quantileMillis(1.0)).isEqualTo(1000);
        assertThat(FunctionStats.Totals.NONE.quantileMillis(0.5)).isEqualTo(-1);
        b.record("slow", 120_000, false);
        assertThat(b.totals().get("slow").quantileMillis(0.5))
                .as("beyond the last bound")
                .isEqualTo(120_000);
    }

    @Test
    void recentProblemsKeepTheNewestAndNoQuery() {
        RecentProblems problems = new RecentProblems(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        for (int i = 0; i < RecentProblems.CAPACITY + 10; i++) {
            problems.record("CODE_" + i, 400, "/sse/client?token=secret-" + i);
        }
        assertThat(problems.newest(1000)).hasSize(RecentProblems.CAPACITY);
        assertThat(problems.newest(1).getFirst().code()).isEqualTo("CODE_" + (RecentProblems.CAPACITY + 9));
        assertThat(problems.newest(1000)).allSatisfy(p -> assertThat(p.where()).isEqualTo("/sse/client"));
    }
}
