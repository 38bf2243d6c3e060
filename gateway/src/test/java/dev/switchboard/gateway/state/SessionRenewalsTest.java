package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionRenewalsTest {

    @Test
    void aSessionIsDueOncePerIntervalAndStaleEntriesAreSweptOncePerInterval() throws Exception {
        SessionRenewals renewals = new SessionRenewals(Duration.ofMinutes(30)); // interval 1 s (capped)
        assertThat(renewals.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(renewals.due("s")).isTrue();
        renewals.renewed("s");
        assertThat(renewals.due("s")).isFalse();

        for (int i = 0; i < 5000; i++) {
            renewals.renewed("old-" + i);
        }
        // within the interval nothing is stale: every entry stays
        assertThat(renewals.tracked()).isEqualTo(5001);
        Thread.sleep(1100);
        assertThat(renewals.due("s")).isTrue();
        renewals.renewed("new");
        assertThat(renewals.tracked()).as("the stale entries went in one sweep").isEqualTo(1);
        renewals.forget("new");
        assertThat(renewals.tracked()).isZero();
    }
}
