package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario at toy sizes against the real jars built before this module: proves the harness runs
 * and that no scenario errs or loses an event. It asserts nothing about speed.
 */
class BenchSmokeTest {
    @TempDir
    Path work;

    @Test
    void everyScenarioRunsAndLosesNothing() throws Exception {
        String report = BenchMain.run(
                BenchMain.Plan.smoke(), Path.of("..").toAbsolutePath().normalize(), work);

        assertThat(report)
                .contains(
                        "## 1. Idle connections held",
                        "## 2. Fan-out",
                        "### Idle MCP streams",
                        "| gateway, stream listener, MCP standalone GET stream | 1 |",
                        "| gateway, public listener, MCP standalone GET stream | 1 |",
                        "| gateway, stream listener, MCP HTTP+SSE stream | 1 |",
                        "| gateway, public listener, MCP HTTP+SSE stream | 1 |",
                        "## 3. Invoke overhead",
                        "| Throughput ratio by round |",
                        "## 4. MCP tools/call",
                        "| By round |",
                        "| gateway |",
                        "## 7. Topics: publish and fan-out",
                        "### 7.1 One topic",
                        "### 7.2 20 topics");
        if (Rig.onPath("redis-server").isPresent()) {
            assertThat(report)
                    .contains(
                            "## 5. Cross-replica delivery",
                            "## 6. Session churn",
                            "| 3 | ",
                            "Redis / memory: median",
                            "### 7.3 Fan-out over replicas",
                            "| 2 | ");
        }
    }

    @Test
    void aShortSoakRunsThroughTwoRedisRestarts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Rig.onPath("redis-server").isPresent(), "no redis-server");
        // 18 s with two 5 s outages: proves the harness, not the figure (the 30-minute soak is the figure,
        // and fails on any lost event); a loss here is printed with the events' times for a diagnosis
        Soak.Result result =
                BenchMain.soakResult(Path.of("..").toAbsolutePath().normalize(), java.time.Duration.ofSeconds(18));

        assertThat(result.accepted()).isPositive();
        assertThat(result.restarts()).hasSize(2);
        assertThat(result.dropped()).as("streams survive Redis restarts").isZero();
    }
}
