package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the fan-out counter from a Prometheus scrape, as {@link ReplicaFanOut} does per replica. */
class ReplicaFanOutTest {
    private static final String SCRAPE = """
            # HELP switchboard_fanout_received_total Events received
            # TYPE switchboard_fanout_received_total counter
            switchboard_fanout_received_total{kind="client"} 3.0
            switchboard_fanout_received_total{kind="topic"} 1200.0
            switchboard_fanout_received_totally_else 99.0
            switchboard_fanout_delivered_total 7.0
            """;

    @Test
    void sumsEverySeriesOfTheMetricAndNoOther() {
        assertThat(ReplicaFanOut.sum(SCRAPE, "switchboard_fanout_received_total"))
                .isEqualTo(1203L);
        assertThat(ReplicaFanOut.sum(SCRAPE, "switchboard_fanout_delivered_total"))
                .isEqualTo(7L);
    }

    @Test
    void aMetricNotExportedIsAbsentNotZero() {
        assertThat(ReplicaFanOut.sum(SCRAPE, "switchboard_fanout_dropped_total"))
                .isNull();
    }
}
