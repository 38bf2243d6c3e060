package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.MemoryStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared heartbeat thread asks its streams for heartbeats, and sleeps while it times none. */
class HeartbeatTickerTest {
    private static final byte[] BEAT = SseEncoder.comment("beat");

    private final StreamHub hub = new StreamHub(
            10,
            100,
            new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1)).events());

    private static SseStream stream(String client) {
        SseStream s = new SseStream("conn-" + client, client, null, Map.of(), Instant.EPOCH, "r", 100, x -> BEAT);
        s.startAfter(EventIds.ZERO);
        return s;
    }

    /** @return whether the stream has a heartbeat to write now */
    private static boolean beats(SseStream s) {
        SseChunk chunk = s.drain();
        return chunk != null && new String(chunk.bytes(), StandardCharsets.UTF_8).contains(": beat");
    }

    @Test
    void ticksWhileItTimesAStreamAndStopsWhenTheLastLeaves() {
        try (HeartbeatTicker ticker = new HeartbeatTicker(hub, Duration.ofMillis(100))) {
            assertThat(ticker.isTicking()).as("no stream: no tick scheduled").isFalse();

            SseStream first = stream("a");
            ticker.schedule(first);
            assertThat(ticker.isTicking()).isTrue();
            hub.admit(first);
            await().atMost(Duration.ofSeconds(3)).until(() -> beats(first));
            await().atMost(Duration.ofSeconds(3)).until(() -> beats(first));

            hub.remove(first);
            await().atMost(Duration.ofSeconds(3)).until(() -> !ticker.isTicking());

            SseStream second = stream("b");
            ticker.schedule(second);
            assertThat(ticker.isTicking())
                    .as("a new stream starts the ticks again")
                    .isTrue();
            hub.admit(second);
            await().atMost(Duration.ofSeconds(3)).until(() -> beats(second));
        }
    }

    @Test
    void aStreamScheduledBeforeTheHubListsItIsNotMissed() throws InterruptedException {
        try (HeartbeatTicker ticker = new HeartbeatTicker(hub, Duration.ofMillis(100))) {
            SseStream late = stream("late");
            ticker.schedule(late);
            // admitted after ticks have found the hub empty (within its first interval): the ticks must go on
            Thread.sleep(60);
            hub.admit(late);
            await().atMost(Duration.ofSeconds(3)).until(() -> beats(late));
        }
    }
}
