package dev.switchboard.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A counter kept elsewhere and read at each scrape ({@link GatewayMetrics#counter}) follows its source for the
 * gateway's life, even when the supplier given is a method reference nothing else holds (Micrometer keeps a
 * function counter's object only weakly: after a collection such a counter stayed at 0).
 */
class GatewayMetricsCounterTest {
    @Test
    void aCounterReadAtScrapeTimeStillFollowsItsSourceAfterGarbageCollections() {
        GatewayMetrics metrics = new GatewayMetrics();
        AtomicLong shed = new AtomicLong();
        // a method reference is a new object here, held by nothing but the registration
        metrics.counter("switchboard.test.shed", "a count kept elsewhere", shed::get);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        shed.set(21);
        assertThat(metrics.scrape()).contains("switchboard_test_shed_total 21.0");
        shed.set(22);
        System.gc();
        assertThat(metrics.scrape()).contains("switchboard_test_shed_total 22.0");
    }
}
