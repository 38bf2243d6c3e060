package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class ReadMarkTest {
    private static final long NOW = 1_000_000_000L;

    @Test
    void aReadIsExpiredOnlyOncePastItsMarkAndItsReaderLearnsIt() {
        ReadMark mark = new ReadMark();
        assertThat(mark.ahead(NOW)).as("no read in progress").isFalse();
        assertThat(mark.expireIfPast(NOW)).isFalse();

        mark.arm(NOW + 100);
        assertThat(mark.ahead(NOW + 99)).isTrue();
        assertThat(mark.expireIfPast(NOW + 99)).as("not yet past").isFalse();
        assertThat(mark.expireIfPast(NOW + 100)).isTrue();
        assertThat(mark.expireIfPast(NOW + 200)).as("once per read").isFalse();
        assertThat(mark.ahead(NOW)).as("an expired read is not ahead").isFalse();
        assertThat(mark.disarm()).as("the reader learns its read timed out").isTrue();

        mark.arm(NOW + 100);
        assertThat(mark.disarm()).as("a read that ended by itself").isFalse();
        assertThat(mark.expireIfPast(NOW + 500))
                .as("nothing to expire after the read")
                .isFalse();
    }

    @Test
    void aReadIsInProgressFromItsArmingUntilItEndsOrExpires() {
        ReadMark mark = new ReadMark();
        assertThat(mark.reading()).isFalse();
        mark.arm(NOW + 100);
        assertThat(mark.reading()).isTrue();
        mark.disarm();
        assertThat(mark.reading()).isFalse();

        mark.arm(NOW + 100);
        mark.expireIfPast(NOW + 100);
        assertThat(mark.reading())
                .as("expired: nothing left for the watch to do")
                .isFalse();
    }

    @Test
    void whenTheWatchAndTheReadsEndRaceBothSeeTheSameOutcome() throws Exception {
        ReadMark mark = new ReadMark();
        CyclicBarrier start = new CyclicBarrier(2);
        for (int round = 0; round < 2_000; round++) {
            mark.arm(NOW);
            boolean[] expired = new boolean[1];
            Thread watch = Thread.ofPlatform().start(() -> {
                await(start);
                expired[0] = mark.expireIfPast(NOW + 1);
            });
            await(start);
            boolean timedOut = mark.disarm();
            watch.join();
            assertThat(timedOut)
                    .as("round %d: the reader reports a time-out exactly when the watch ended the read", round)
                    .isEqualTo(expired[0]);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
