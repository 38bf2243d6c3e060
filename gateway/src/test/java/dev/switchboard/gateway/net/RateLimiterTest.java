package dev.switchboard.gateway.net;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(limiter.acquire("b")).as("another address has its own bucket").isZero();

        now.addAndGet(500_000_000L);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isPositive();
        now.addAndGet(10_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a")).as("refilled to the burst, not beyond").isZero();
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
        assertThat(limiter.size()).isLessThanOrEqualTo(100_000);
    }
}
