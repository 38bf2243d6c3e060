package dev.switchboard.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void waitsAsLongAsTheFailureHasLastedWithinBounds() {
        assertThat(Backoff.after(NOW, NOW)).isEqualTo(Backoff.MIN);
        assertThat(Backoff.after(NOW.minusSeconds(12), NOW)).isEqualTo(Duration.ofSeconds(12));
        assertThat(Backoff.after(NOW.minusSeconds(3600), NOW)).isEqualTo(Backoff.MAX);
        // a clock that went backwards still waits the minimum
        assertThat(Backoff.after(NOW.plusSeconds(30), NOW)).isEqualTo(Backoff.MIN);
    }
}
