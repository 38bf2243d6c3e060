package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.gateway.topic.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the stream listener's cheap writes rely on: an event fanned out to plain streams is encoded once and its
 * bytes shared, while a stream that follows several logs still writes its own resume token; and a stream whose
 * writer times its own heartbeats is left alone by the shared ticker, with the same interval semantics.
 */
class SharedWritesTest {
    private static final byte[] BEAT = SseEncoder.comment("beat");

    private static SseStream plain(String client) {
        return new SseStream("conn-" + client, client, null, Map.of(), Instant.EPOCH, "r", 100, s -> BEAT);
    }

    @Test
    void plainStreamsShareOneEncodingOfAFannedOutEvent() {
        StreamHub hub = new StreamHub(
                10,
                10,
                new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1)).events());
        SseStream a = new SseStream(
                "c1", "client", List.of(TopicNames.logKey("t")), null, Map.of(), Instant.EPOCH, "r", 100, s -> BEAT);
        SseStream b = new SseStream(
                "c2", "client", List.of(TopicNames.logKey("t")), null, Map.of(), Instant.EPOCH, "r", 100, s -> BEAT);
        SseStream c = plain("client");
        SseStream d = plain("client");
        a.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        b.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        for (SseStream s : List.of(a, b, c, d)) {
            assertThat(hub.admit(s)).isEqualTo(StreamHub.Admission.ADMITTED);
        }
        ClientEvent event = new ClientEvent("1700000000000-0", "message", "hello\nworld");

        assertThat(hub.deliver("client", event)).isTrue();

        byte[] fromC = c.drain().bytes();
        byte[] fromD = d.drain().bytes();
        byte[] fromA = a.drain().bytes();
        byte[] fromB = b.drain().bytes();
        // the same array, not equal copies: one encoding for every plain stream
        assertThat(fromD).isSameAs(fromC);
        assertThat(fromC).isEqualTo(SseEncoder.event(event.id(), event.type(), event.data()));
        // a stream of several logs writes a resume token as its id: its own bytes
        assertThat(fromA).isNotSameAs(fromC).isEqualTo(fromB);
        assertThat(new String(fromA, StandardCharsets.UTF_8))
                .doesNotContain("id: " + event.id() + "\n")
                .contains("data: hello\ndata: world\n");
    }

    @Test
    void aStreamOfSeveralLogsWritesExactlyTheEncodingOfItsResumeToken() {
        String topic = TopicNames.logKey("t");
        SseStream s = new SseStream("c1", "client", List.of(topic), null, Map.of(), Instant.EPOCH, "r", 100, x -> BEAT);
        s.startAt(new String[] {EventIds.ZERO, "1700000000000-4"});
        List<String> logs = List.of("client", topic);
        ClientEvent own = new ClientEvent("1700000000005-0", "message", "mine");
        ClientEvent published = new ClientEvent("1700000000007-2", "news", "line one\nline two");
        ClientEvent old = new ClientEvent("1700000000000-3", "news", "already before the start");
        EventFrame shared = new EventFrame(published);
        s.offer("client", own);
        s.offer(topic, shared);
        s.offer(topic, old);

        SseChunk chunk = s.drain();

        // each event under the token of the positions after it, the same bytes the one-piece encoder makes
        String afterOwn = ResumeToken.encode(logs, new String[] {own.id(), "1700000000000-4"});
        String afterPublished = ResumeToken.encode(logs, new String[] {own.id(), published.id()});
        assertThat(chunk.events()).isEqualTo(2);
        assertThat(new String(chunk.bytes(), StandardCharsets.UTF_8))
                .isEqualTo(new String(SseEncoder.event(afterOwn, own.type(), own.data()), StandardCharsets.UTF_8)
                        + new String(
                                SseEncoder.event(afterPublished, published.type(), published.data()),
                                StandardCharsets.UTF_8));
        assertThat(s.lastSentId()).isEqualTo(afterPublished);
        assertThat(ResumeToken.decode(afterPublished, logs)).containsExactly(own.id(), published.id());
    }

    @Test
    void severalDueThingsGoInOneChunkInOrder() {
        SseStream s = plain("client");
        ClientEvent first = new ClientEvent("1700000000000-0", "message", "one");
        ClientEvent second = new ClientEvent("1700000000000-1", "message", "two");
        s.offer(first);
        s.offer(second);
        s.offer(first); // already written: skipped
        s.heartbeatDueNow();

        SseChunk chunk = s.drain();

        assertThat(chunk.events()).isEqualTo(2);
        assertThat(chunk.heartbeat()).isTrue();
        assertThat(new String(chunk.bytes(), StandardCharsets.UTF_8))
                .isEqualTo(new String(SseEncoder.event(first.id(), "message", "one"), StandardCharsets.UTF_8)
                        + new String(SseEncoder.event(second.id(), "message", "two"), StandardCharsets.UTF_8)
                        + new String(BEAT, StandardCharsets.UTF_8));
        assertThat(s.drain()).isNull();
    }

    @Test
    void aWriterTimedStreamKeepsItsIntervalAndTheTickerLeavesItAlone() throws Exception {
        StreamHub hub = new StreamHub(
                10,
                10,
                new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1)).events());
        Duration interval = Duration.ofMillis(200);
        try (HeartbeatTicker ticker = new HeartbeatTicker(hub, interval)) {
            SseStream byTicker = plain("a");
            SseStream byWriter = plain("b");
            ticker.schedule(byTicker);
            ticker.schedule(byWriter);
            byWriter.timeHeartbeatsByWriter();
            hub.admit(byTicker);
            hub.admit(byWriter);
            long start = System.nanoTime();
            assertThat(ticker.takeDue(byWriter, start))
                    .as("not before its interval")
                    .isFalse();
            Thread.sleep(interval.toMillis() * 3);

            // the ticker asked the first stream for heartbeats, never the second
            assertThat(byTicker.drain()).isNotNull();
            assertThat(byWriter.drain()).isNull();
            // its phase: due once an interval has passed, then not again until the next one
            long later = start + interval.toNanos();
            assertThat(ticker.takeDue(byWriter, later)).isTrue();
            assertThat(ticker.takeDue(byWriter, later + 1)).isFalse();
            assertThat(ticker.takeDue(byWriter, later + interval.toNanos())).isTrue();
            assertThat(ticker.tickNanos()).isEqualTo(Duration.ofMillis(50).toNanos());
        }
    }

    @Test
    void aStreamHandedOverIsNoLongerWalkedByTheTickerAndLeftStreamsLeaveItsSet() throws Exception {
        StreamHub hub = new StreamHub(
                10,
                10,
                new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1)).events());
        Duration interval = Duration.ofMillis(100);
        try (HeartbeatTicker ticker = new HeartbeatTicker(hub, interval)) {
            SseStream byTicker = plain("a");
            SseStream byLoop = plain("b");
            SseStream leaving = plain("c");
            for (SseStream s : List.of(byTicker, byLoop, leaving)) {
                ticker.schedule(s);
                assertThat(hub.admit(s)).isEqualTo(StreamHub.Admission.ADMITTED);
            }
            assertThat(hub.timedByTicker()).containsExactlyInAnyOrder(byTicker, byLoop, leaving);

            // the loop takes one over: the ticker's walk no longer holds it, the hub still does
            ticker.handOver(byLoop);
            assertThat(byLoop.heartbeatsByWriter()).isTrue();
            assertThat(hub.timedByTicker()).containsExactlyInAnyOrder(byTicker, leaving);
            assertThat(hub.all()).contains(byLoop);
            assertThat(ticker.dueNanos(byLoop)).isGreaterThan(System.nanoTime() - interval.toNanos());

            // a stream that ends leaves both
            leaving.close(CloseReason.CLIENT_GONE);
            hub.remove(leaving);
            assertThat(hub.timedByTicker()).containsExactly(byTicker);

            Thread.sleep(interval.toMillis() * 3);
            assertThat(byTicker.drain()).as("the ticker still times its own").isNotNull();
            assertThat(byLoop.drain()).as("and never the loop's").isNull();

            // a closed stream left in the ticker's set (it left while being admitted) goes at the next tick
            SseStream racing = plain("d");
            hub.timedByTicker().add(racing);
            racing.close(CloseReason.CLIENT_GONE);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !hub.timedByTicker().contains(racing));
        }
    }
}
