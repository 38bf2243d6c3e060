package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstThenTheRateAndEachKeyOnItsOwn() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);

        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        long wait = limiter.acquire("a");
        assertThat(wait).as("the fourth waits for half a second's token").isBetween(499_000_000L, 500_000_000L);
        assertThat(limiter.acquire("b"))
                .as("another address has its own bucket")
                .isZero();

        now.addAndGet(500_000_000L);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isPositive();
        now.addAndGet(10_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a"))
                    .as("refilled to the burst, not beyond")
                    .isZero();
        }
        assertThat(limiter.acquire("a")).isPositive();
    }

    @Test
    void aFloodOfAddressesDoesNotGrowWithoutBound() {
        RateLimiter limiter = new RateLimiter(1, 1, now::get);
        for (int i = 0; i < 150_000; i++) {
            limiter.acquire("10.0." + (i / 256) + "." + (i % 256) + "-" + i);
            if (i % 1000 == 0) {
                now.addAndGet(2_000_000_000L); // earlier keys are full again, so they may be dropped
            }
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(RateLimiter.MAX_KEYS);
    }

    @Test
    void twoHundredThousandAddressesNoneFullStayBoundedWithoutScanningTheTable() {
        // time stands still: no bucket refills, so none may be dropped as full. The former table scanned all
        // 100,000 buckets on every acquire from then on (about 135 s for these calls) and grew past its bound.
        RateLimiter limiter = new RateLimiter(1, 1, now::get);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 200_000; i++) {
                assertThat(limiter.acquire("2001:db8::" + Integer.toHexString(i)))
                        .as("a new address")
                        .isZero();
            }
        });
        assertThat(limiter.size()).isLessThanOrEqualTo(RateLimiter.MAX_KEYS);
        assertThat(limiter.acquire("2001:db8::" + Integer.toHexString(199_999)))
                .as("the newest address is still tracked, its bucket empty")
                .isPositive();
    }

    @Test
    void anIdleBucketIsForgottenOnceItWouldBeFullAgain() {
        RateLimiter limiter = new RateLimiter(2, 4, now::get); // refills from empty in 2 s
        for (int i = 0; i < 4; i++) {
            limiter.acquire("a");
        }
        assertThat(limiter.acquire("a")).isPositive();
        now.addAndGet(1_000_000_000L);
        assertThat(limiter.size()).as("half refilled: still tracked").isEqualTo(1);
        now.addAndGet(2_000_000_000L);
        assertThat(limiter.size()).as("full again: nothing to remember").isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.acquire("a")).as("a full burst again").isZero();
        }
        assertThat(limiter.acquire("a")).isPositive();
    }
}
