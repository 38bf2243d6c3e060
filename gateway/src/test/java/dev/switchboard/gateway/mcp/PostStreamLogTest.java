package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.state.EventIds;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostStreamLogTest {
    private static final Duration IDLE = Duration.ofSeconds(35);
    private static final long NOW = 1_796_060_682_272L;

    @Test
    void aPrimingIdSortsBeforeEveryAppendedIdAndIsAValidEventId() {
        String prime = PostStreamLog.primeId("s1", NOW);
        assertThat(prime).isEqualTo("s1/0-" + NOW);
        String logId = prime.substring(prime.indexOf('/') + 1);
        assertThat(EventIds.isValid(logId)).isTrue();
        assertThat(EventIds.compare(logId, EventIds.ZERO)).isPositive();
        // the log's ids start at their time: the first append of the same millisecond sorts after the prime
        assertThat(EventIds.compare(logId, NOW + "-0")).isNegative();
        assertThat(EventIds.compare(logId, "1-0")).isNegative();
    }

    @Test
    void onlyAFreshPrimingIdMayAwaitTheFirstAppend() {
        assertThat(PostStreamLog.firstAppendWait("0-" + NOW, NOW, IDLE)).isEqualTo(IDLE);
        assertThat(PostStreamLog.firstAppendWait("0-" + (NOW - 34_000), NOW, IDLE))
                .as("what is left of the idle limit since the stream opened")
                .isEqualTo(Duration.ofSeconds(1));
        // another replica's clock a little ahead
        assertThat(PostStreamLog.firstAppendWait("0-" + (NOW + 2_000), NOW, IDLE))
                .isEqualTo(IDLE);

        assertThat(PostStreamLog.firstAppendWait("0-" + (NOW - 36_000), NOW, IDLE))
                .as("older than a call may stay quiet")
                .isZero();
        assertThat(PostStreamLog.firstAppendWait("0-" + (NOW + 60_000), NOW, IDLE))
                .as("from the future")
                .isZero();
        assertThat(PostStreamLog.firstAppendWait(NOW + "-0", NOW, IDLE))
                .as("an appended id")
                .isZero();
        assertThat(PostStreamLog.firstAppendWait("0-0", NOW, IDLE)).isZero();
        assertThat(PostStreamLog.firstAppendWait("0-99999999999999999999", NOW, IDLE))
                .isZero();
    }
}
