package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How section 1's MCP rows are written: each run beside the nchan run of the same round, and the target rows. */
class McpIdleReportTest {
    private static McpIdleStreams.Result mcp(McpIdleStreams.Kind kind, double pss, int dropped) {
        return new McpIdleStreams.Result(kind.row, 1000, pss, pss - 500, 3000, 20, 2000, 2000, dropped);
    }

    private static HeldConnections.Result nchan(double pss) {
        return new HeldConnections.Result("nginx+nchan", 1000, pss, Double.NaN, 10, 10, 0, 2000, 2000, 0, 1, 1, 1, 0);
    }

    private static Report report() {
        return new Report(BenchMain.Plan.smoke(), Path.of("."));
    }

    @Test
    void eachRunIsComparedWithTheNchanRunBesideItAndTheTargetIsMissedWhenAnyIsAbove() {
        Report report = report();
        report.mcpIdle(
                List.of(
                        mcp(McpIdleStreams.Kind.STANDALONE, 26_600, 0),
                        mcp(McpIdleStreams.Kind.STANDALONE, 25_000, 0),
                        mcp(McpIdleStreams.Kind.STANDALONE, 9_000, 0)),
                List.of(
                        mcp(McpIdleStreams.Kind.HTTP_SSE, 8_000, 0),
                        mcp(McpIdleStreams.Kind.HTTP_SSE, 9_000, 0),
                        mcp(McpIdleStreams.Kind.HTTP_SSE, 10_000, 0)),
                List.of(
                        mcp(McpIdleStreams.Kind.STANDALONE_PUBLIC, 30_000, 0),
                        mcp(McpIdleStreams.Kind.HTTP_SSE_PUBLIC, 27_400, 0)),
                List.of(nchan(10_000), nchan(10_000), nchan(10_000)));

        String md = report.heldMarkdown();
        assertThat(md)
                .contains("### Idle MCP streams")
                .contains(
                        "| gateway, stream listener, MCP standalone GET stream | 1 | 26.6 KB | 26.1 KB | 3.0 KB | 20.0 ms/s")
                .contains("| 2.66× |")
                .contains("| gateway, public listener, MCP standalone GET stream | 1 | 30.0 KB |")
                .contains("| 3.00× |")
                .contains("| gateway, public listener, MCP HTTP+SSE stream | 1 | 27.4 KB |")
                .contains("| 2.74× |")
                .contains("| gateway, stream listener, MCP HTTP+SSE stream | 3 | 10.0 KB |")
                .contains("median 25.0 KB vs nchan 10.0 KB; runs 2.66×, 2.50×, 0.90× | **no** |")
                .contains("Memory per idle MCP HTTP+SSE stream ≤ 1.0× nchan's per idle connection in each run (PSS) | "
                        + "median 9.0 KB vs nchan 10.0 KB; runs 0.80×, 0.90×, 1.00× | yes |");
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void everyRunAtOrBelowNchanMeetsTheTarget() {
        Report report = report();
        report.mcpIdle(
                List.of(mcp(McpIdleStreams.Kind.STANDALONE, 4_000, 0)), List.of(), List.of(), List.of(nchan(10_000)));

        assertThat(report.heldMarkdown()).contains("runs 0.40× | yes |");
    }

    @Test
    void withoutNchanThereIsNoTargetRowAndADroppedStreamIsAProblem() {
        Report report = report();
        report.mcpIdle(
                List.of(mcp(McpIdleStreams.Kind.STANDALONE, 26_000, 3)),
                List.of(mcp(McpIdleStreams.Kind.HTTP_SSE, 26_000, 0)),
                List.of(),
                List.of());

        assertThat(report.heldMarkdown()).contains("| n/a |").doesNotContain("Memory per idle MCP");
        assertThat(report.problems())
                .containsExactly("gateway, stream listener, MCP standalone GET stream dropped 3 streams");
    }
}
