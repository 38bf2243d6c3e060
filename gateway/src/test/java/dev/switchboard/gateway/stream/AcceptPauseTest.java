package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long an event loop stops accepting: until a connection closes, or a backoff after failures. */
class AcceptPauseTest {
    @Test
    void failuresInARowPauseTwiceAsLongEachTimeUpToASecondAndAnAcceptStartsOver() {
        AcceptPause pause = new AcceptPause();
        assertThat(pause.paused()).isFalse();

        long before = System.nanoTime();
        pause.afterFailure();
        assertThat(pause.paused()).isTrue();
        assertThat(pause.runOut(before)).isFalse();
        assertThat(pause.runOut(before + AcceptPause.MAX_BACKOFF_NANOS)).isTrue();
        pause.end();
        assertThat(pause.paused()).isFalse();

        for (int i = 0; i < 10; i++) {
            pause.afterFailure(); // 10 ms, 20, 40 ... capped at 1 s
        }
        long now = System.nanoTime();
        assertThat(pause.runOut(now + AcceptPause.MAX_BACKOFF_NANOS / 2))
                .as("a long pause by now")
                .isFalse();
        assertThat(pause.runOut(now + AcceptPause.MAX_BACKOFF_NANOS + 1))
                .as("never beyond a second")
                .isTrue();

        pause.accepted();
        pause.end();
        long again = System.nanoTime();
        pause.afterFailure();
        assertThat(pause.runOut(again + 2 * AcceptPause.MIN_BACKOFF_NANOS))
                .as("the shortest pause again")
                .isTrue();
    }

    @Test
    void aPauseUntilAConnectionClosesRunsOutAtOnceForTheCallerToCheckForRoom() {
        AcceptPause pause = new AcceptPause();
        pause.untilAConnectionCloses();
        assertThat(pause.paused()).isTrue();
        assertThat(pause.runOut(System.nanoTime())).isTrue();
        assertThat(pause.paused()).as("runOut only reads").isTrue();
    }
}
