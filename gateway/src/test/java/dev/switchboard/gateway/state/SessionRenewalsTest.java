package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.auth.Identity;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionRenewalsTest {
    private static McpSession session(String id) {
        return new McpSession(
                id, "tools", "2025-11-25", null, null, null, null, null, Instant.now(), Identity.ANONYMOUS);
    }

    @Test
    void aSessionIsDueOncePerIntervalAndStaleEntriesAreSweptOncePerInterval() throws Exception {
        SessionRenewals renewals = new SessionRenewals(Duration.ofMinutes(30)); // interval 1 s (capped)
        assertThat(renewals.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(renewals.fresh("s")).as("due").isNull();
        renewals.renewed(session("s"));
        assertThat(renewals.fresh("s").id()).isEqualTo("s");
        assertThat(renewals.fresh("s")).as("not due").isNotNull();

        for (int i = 0; i < 5000; i++) {
            renewals.renewed(session("old-" + i));
        }
        // within the interval nothing is stale: every entry stays
        assertThat(renewals.tracked()).isEqualTo(5001);
        Thread.sleep(1100);
        assertThat(renewals.fresh("s")).as("due").isNull();
        assertThat(renewals.fresh("s")).isNull();
        renewals.renewed(session("new"));
        assertThat(renewals.tracked()).as("the stale entries went in one sweep").isEqualTo(1);
        renewals.forget("new");
        assertThat(renewals.fresh("new")).isNull();
        renewals.renewed(session("a"));
        renewals.renewed(session("b"));
        renewals.forgetAll();
        assertThat(renewals.fresh("a")).isNull();
        assertThat(renewals.tracked()).isZero();
    }

    @Test
    void aReadThatBeganBeforeTheSessionWasForgottenIsNotKept() throws Exception {
        SessionRenewals renewals = new SessionRenewals(Duration.ofMinutes(30));
        long began = renewals.reading();
        // another replica's signal arrives while the read is on its way
        renewals.forget("s");
        renewals.renewed(session("s"), began);
        assertThat(renewals.fresh("s"))
                .as("the read may hold what the signal replaced")
                .isNull();

        Thread.sleep(2);
        renewals.renewed(session("s"), renewals.reading());
        assertThat(renewals.fresh("s")).as("a read begun after the signal").isNotNull();

        long beforeAll = renewals.reading();
        renewals.forgetAll();
        renewals.renewed(session("t"), beforeAll);
        assertThat(renewals.fresh("t")).isNull();
        // what this replica itself stores is the record as it is now
        renewals.renewed(session("t"));
        assertThat(renewals.fresh("t")).isNotNull();
    }
}
