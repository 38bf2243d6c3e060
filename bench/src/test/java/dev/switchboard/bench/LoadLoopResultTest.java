package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A row measured in slices ({@link Interleaved}) is reported as one window as long as its slices together. */
class LoadLoopResultTest {
    @Test
    void slicesAddUpToOneWindow() {
        LoadLoop.Result fast = new LoadLoop.Result(3, 1, Duration.ofSeconds(2), new double[] {0.1, 0.2, 0.3});
        LoadLoop.Result slow = new LoadLoop.Result(1, 0, Duration.ofSeconds(2), new double[] {0.9});

        LoadLoop.Result row = LoadLoop.Result.merged(List.of(fast, slow));

        assertThat(row.requests()).isEqualTo(4);
        assertThat(row.errors()).isEqualTo(1);
        assertThat(row.elapsed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(row.throughput()).isEqualTo(1.0);
        assertThat(row.latencies()).containsExactly(0.1, 0.2, 0.3, 0.9);
    }
}
