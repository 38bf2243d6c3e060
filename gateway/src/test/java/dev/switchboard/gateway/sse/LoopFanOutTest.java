package dev.switchboard.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.gateway.topic.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An event loop takes a fan-out once for all of its streams and writes each stream's copy straight into its
 * buffer ({@link SseStream#putEvent}); what that writes must be exactly what the queue's way ({@link
 * SseStream#offer} then {@link SseStream#drain}) writes, and whatever of a stream waits must still go first.
 */
class LoopFanOutTest {
    private static final byte[] BEAT = SseEncoder.comment("beat");
    private static final String TOPIC = TopicNames.logKey("room");

    private static SseStream topicStream(String client) {
        SseStream s = new SseStream(
                "conn-" + client, client, List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 100, x -> BEAT);
        s.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        return s;
    }

    private static SseStream plainStream(String client) {
        SseStream s = new SseStream("conn-" + client, client, null, Map.of(), Instant.EPOCH, "r", 100, x -> BEAT);
        s.startAfter(EventIds.ZERO);
        return s;
    }

    private static String put(SseStream s, String log, EventFrame frame, SseStream.Put expected) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        assertThat(s.putEvent(log, frame, out)).isEqualTo(expected);
        out.flip();
        return StandardCharsets.UTF_8.decode(out).toString();
    }

    /** @return a hub of up to 10 streams per client and 100 in all, on an in-memory store's logs */
    private static StreamHub hub() {
        return new StreamHub(
                10,
                100,
                new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(1), Duration.ofMinutes(1)).events());
    }

    private static String drained(SseStream s) {
        SseChunk chunk = s.drain();
        return chunk == null ? "" : new String(chunk.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void writingStraightIntoTheBufferGivesTheBytesAndIdsTheQueueGives() {
        SseStream direct = topicStream("a");
        SseStream queued = topicStream("a");
        List<EventFrame> frames = List.of(
                new EventFrame(new ClientEvent("1700000000000-0", "news", "one")),
                new EventFrame(new ClientEvent("1700000000001-7", "news", "two\nlines")),
                new EventFrame(new ClientEvent("1700000000002-0", "news", "three")));
        StringBuilder directBytes = new StringBuilder();
        StringBuilder queuedBytes = new StringBuilder();
        for (EventFrame frame : frames) {
            directBytes.append(put(direct, TOPIC, frame, SseStream.Put.WRITTEN));
            queued.offer(TOPIC, frame);
            queuedBytes.append(drained(queued));
            assertThat(direct.lastSentId()).isEqualTo(queued.lastSentId());
        }
        assertThat(directBytes).hasToString(queuedBytes.toString());
        assertThat(ResumeToken.decode(direct.lastSentId(), direct.logs()))
                .containsExactly(EventIds.ZERO, "1700000000002-0");
        // a plain stream writes the event's shared encoding under its own id
        SseStream plain = plainStream("b");
        EventFrame own = new EventFrame(new ClientEvent("1700000000003-0", "message", "hi"));
        assertThat(put(plain, "b", own, SseStream.Put.WRITTEN))
                .isEqualTo(new String(own.bytes(), StandardCharsets.UTF_8));
        assertThat(plain.lastSentId()).isEqualTo("1700000000003-0");
    }

    @Test
    void whatWaitsGoesFirstAndWhatTheStreamHasIsSkipped() {
        SseStream s = topicStream("a");
        EventFrame first = new EventFrame(new ClientEvent("1700000000000-0", "news", "one"));
        EventFrame second = new EventFrame(new ClientEvent("1700000000000-1", "news", "two"));
        put(s, TOPIC, first, SseStream.Put.WRITTEN);
        // already written: nothing put, position unchanged
        assertThat(put(s, TOPIC, first, SseStream.Put.SKIPPED)).isEmpty();

        // an event of its own log waits in the queue: the topic's event must not overtake it
        s.offer("a", new ClientEvent("1700000000005-0", "message", "mine"));
        assertThat(put(s, TOPIC, second, SseStream.Put.LATER)).isEmpty();
        s.offer(TOPIC, second);
        assertThat(drained(s)).contains("data: mine").contains("data: two");
        assertThat(s.drain()).isNull();

        // a heartbeat due goes with the next drain, so an event waits for it too
        s.heartbeatDueNow();
        EventFrame third = new EventFrame(new ClientEvent("1700000000006-0", "news", "three"));
        assertThat(put(s, TOPIC, third, SseStream.Put.LATER)).isEmpty();
        s.close(CloseReason.CLIENT_GONE);
        assertThat(put(s, TOPIC, third, SseStream.Put.LATER)).isEmpty();
    }

    @Test
    void anEventThatDoesNotFitIsLeftForTheQueueWithThePositionUnmoved() {
        SseStream s = topicStream("a");
        String before = s.lastSentId();
        EventFrame big = new EventFrame(new ClientEvent("1700000000000-0", "news", "x".repeat(200)));

        assertThat(s.putEvent(TOPIC, big, ByteBuffer.allocate(64))).isEqualTo(SseStream.Put.LATER);

        assertThat(s.lastSentId()).isEqualTo(before);
        s.offer(TOPIC, big);
        assertThat(drained(s)).contains("x".repeat(200));
        SseStream plain = plainStream("b");
        assertThat(plain.putEvent("b", big, ByteBuffer.allocate(64))).isEqualTo(SseStream.Put.LATER);
        assertThat(plain.lastSentId()).isEqualTo(EventIds.ZERO);
    }

    /** Drains into a buffer of the given size, as an event loop does, until nothing more is put. */
    private static String drainedTo(SseStream s, int bufferSize, List<SseStream.Drained> rounds) {
        StringBuilder all = new StringBuilder();
        while (true) {
            ByteBuffer out = ByteBuffer.allocate(bufferSize);
            SseStream.Drained result = new SseStream.Drained();
            s.drainTo(out, result);
            if (out.position() == 0) {
                rounds.add(result);
                return all.toString();
            }
            rounds.add(result);
            out.flip();
            all.append(StandardCharsets.UTF_8.decode(out));
        }
    }

    @Test
    void drainingIntoTheLoopsBufferGivesTheBytesIdsAndHeartbeatsTheChunkGives() {
        SseStream toBuffer = topicStream("a");
        SseStream toChunk = topicStream("a");
        for (SseStream s : List.of(toBuffer, toChunk)) {
            s.offer(TOPIC, new ClientEvent("1700000000000-0", "news", "one"));
            s.offer("a", new ClientEvent("1700000000001-0", "message", "mine"));
            // written already: skipped by both
            s.offer(TOPIC, new ClientEvent("1700000000000-0", "news", "one"));
            s.offer(TOPIC, new ClientEvent("1700000000002-3", "news", "two\nlines"));
            s.heartbeatDueNow();
        }
        List<SseStream.Drained> rounds = new ArrayList<>();

        String bytes = drainedTo(toBuffer, 4096, rounds);

        assertThat(bytes).isEqualTo(drained(toChunk)).endsWith(new String(BEAT, StandardCharsets.UTF_8));
        assertThat(toBuffer.lastSentId()).isEqualTo(toChunk.lastSentId());
        assertThat(rounds.getFirst().events()).isEqualTo(3);
        assertThat(rounds.getFirst().heartbeat()).isTrue();
        assertThat(rounds.getLast().tooLarge()).isFalse();
        assertThat(toBuffer.drain()).as("nothing left").isNull();
    }

    @Test
    void whatDoesNotFitTheRestOfTheBufferWaitsInOrderAndWhatNoBufferHoldsIsFlagged() {
        SseStream s = plainStream("b");
        EventFrame small = new EventFrame(new ClientEvent("1700000000000-0", "message", "s".repeat(20)));
        EventFrame medium = new EventFrame(new ClientEvent("1700000000001-0", "message", "m".repeat(60)));
        s.offer("b", small);
        s.offer("b", medium);
        s.heartbeatDueNow();
        List<SseStream.Drained> rounds = new ArrayList<>();

        // a buffer that holds one event at a time and no heartbeat beside the medium one: each waits its round,
        // in order
        String bytes = drainedTo(s, medium.bytes().length + 2, rounds);

        assertThat(rounds).hasSize(4);
        assertThat(rounds.subList(0, 3))
                .extracting(SseStream.Drained::events, SseStream.Drained::heartbeat)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, false),
                        org.assertj.core.groups.Tuple.tuple(1, false),
                        org.assertj.core.groups.Tuple.tuple(0, true));
        assertThat(bytes)
                .isEqualTo(new String(small.bytes(), StandardCharsets.UTF_8)
                        + new String(medium.bytes(), StandardCharsets.UTF_8)
                        + new String(BEAT, StandardCharsets.UTF_8));
        assertThat(s.lastSentId()).isEqualTo("1700000000001-0");

        // an event larger than the whole buffer: nothing put, the position unmoved, left for the chunk
        EventFrame big = new EventFrame(new ClientEvent("1700000000002-0", "message", "x".repeat(200)));
        s.offer("b", big);
        SseStream.Drained result = new SseStream.Drained();
        ByteBuffer out = ByteBuffer.allocate(64);
        s.drainTo(out, result);
        assertThat(out.position()).isZero();
        assertThat(result.tooLarge()).isTrue();
        assertThat(s.lastSentId()).isEqualTo("1700000000001-0");
        assertThat(drained(s)).contains("x".repeat(200));
    }

    @Test
    void eventsHandedToALoopThatHasNotTakenThemCountAgainstTheStreamsQueueLimit() {
        StreamHub hub = hub();
        SseStream s = new SseStream("conn-a", "a", List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 3, x -> BEAT);
        s.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        hub.admit(s);
        List<List<SseStream>> handed = new ArrayList<>();
        s.writtenBy((log, frame, batch) -> handed.add(batch), "slot");

        for (int i = 0; i < 3; i++) {
            hub.deliver(TOPIC, new ClientEvent("170000000000" + i + "-0", "news", "n" + i));
        }
        assertThat(s.isClosed()).isFalse();
        // the loop takes one: room for one more
        s.taken();
        hub.deliver(TOPIC, new ClientEvent("1700000000003-0", "news", "n3"));
        assertThat(s.isClosed()).isFalse();

        // a fifth while three wait for the loop and one waits in its queue: over the limit of 3, cut off at once
        s.offer("a", new ClientEvent("1700000000004-0", "message", "mine"));
        assertThat(s.isClosed())
                .as("the queue counts what the loop has not taken")
                .isTrue();
        assertThat(s.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        hub.deliver(TOPIC, new ClientEvent("1700000000005-0", "news", "n5"));
        assertThat(handed).hasSize(4);
    }

    @Test
    void eventsTheReplicaMissedDoNotCountAgainstTheQueueLimitButAreWrittenInOrder() {
        SseStream s = new SseStream("conn-a", "a", List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 3, x -> BEAT);
        s.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        for (int i = 0; i < 10; i++) {
            // ten catch-ups of one event each: ten entries in the queue
            assertThat(s.offerMissed(missed(new ClientEvent("170000000000" + i + "-0", "news", "m" + i))))
                    .isTrue();
        }
        assertThat(s.isClosed()).as("ten missed ones over a limit of 3").isFalse();
        // live ones still count: three fit beside the ten missed, a fourth is one too many
        for (int i = 0; i < 3; i++) {
            assertThat(s.offer(TOPIC, new EventFrame(new ClientEvent("170000000010" + i + "-0", "news", "l" + i))))
                    .isTrue();
        }
        ByteBuffer out = ByteBuffer.allocate(8192);
        SseStream.Drained drained = new SseStream.Drained();
        s.drainTo(out, drained);
        assertThat(drained.events()).isEqualTo(13);
        assertThat(ResumeToken.decode(s.lastSentId(), s.logs())).containsExactly(EventIds.ZERO, "1700000000102-0");
        // all taken: the limit is the live one's again
        for (int i = 3; i < 6; i++) {
            s.offer(TOPIC, new EventFrame(new ClientEvent("170000000010" + i + "-0", "news", "l" + i)));
        }
        assertThat(s.isClosed()).isFalse();
        s.offer(TOPIC, new EventFrame(new ClientEvent("1700000000106-0", "news", "l6")));
        assertThat(s.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        assertThat(s.offerMissed(missed(new ClientEvent("1700000000107-0", "news", "m"))))
                .as("a closed stream takes nothing")
                .isFalse();
    }

    private static MissedEvents missed(ClientEvent event) {
        return new MissedEvents(TOPIC, List.of(new EventFrame(event)));
    }

    @Test
    void missedEventsReadBackOnceAreWrittenWholeAndInOrderByEveryStreamThatQueuesThem() {
        List<EventFrame> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            frames.add(new EventFrame(new ClientEvent("17000000001" + (10 + i) + "-0", "news", "m" + i)));
        }
        MissedEvents missed = new MissedEvents(TOPIC, frames);
        List<SseStream> streams = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SseStream s = new SseStream(
                    "conn-" + i, "c" + i, List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 3, x -> BEAT);
            s.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
            assertThat(s.offerMissed(missed)).isTrue();
            streams.add(s);
        }
        // 40 missed events and a live one behind them, on a queue limit of 3
        streams.forEach(s -> assertThat(
                        s.offer(TOPIC, new EventFrame(new ClientEvent("1700000000200-0", "news", "live"))))
                .isTrue());

        // the first takes them through a buffer too small for all at once: the rest waits for the next call
        SseStream first = streams.getFirst();
        ByteBuffer small = ByteBuffer.allocate(256);
        SseStream.Drained drained = new SseStream.Drained();
        StringBuilder written = new StringBuilder();
        int calls = 0;
        do {
            small.clear();
            first.drainTo(small, drained);
            written.append(new String(small.array(), 0, small.position(), StandardCharsets.UTF_8));
            calls++;
        } while (drained.events() > 0);
        assertThat(calls).as("taken over several calls").isGreaterThan(2);
        List<String> data =
                written.toString().lines().filter(l -> l.startsWith("data: ")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("data: m" + i);
        }
        expected.add("data: live");
        assertThat(data).containsExactlyElementsOf(expected);
        assertThat(first.heartbeatAlone(ByteBuffer.allocate(256)))
                .as("nothing left queued")
                .isTrue();

        // the second, unaffected by the first's pass, takes them in one chunk
        SseChunk chunk = streams.get(1).drain();
        assertThat(chunk.events()).isEqualTo(41);
        assertThat(streams.get(1).isClosed()).isFalse();
    }

    @Test
    void eventsHeldBackDuringACatchUpReachEachStreamAsOneRunPastItsOwnPosition() {
        StreamHub hub = hub();
        SseStream behind =
                new SseStream("conn-a", "a", List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 3, x -> BEAT);
        behind.startAt(new String[] {EventIds.ZERO, EventIds.ZERO});
        SseStream ahead =
                new SseStream("conn-b", "b", List.of(TOPIC), null, Map.of(), Instant.EPOCH, "r", 3, x -> BEAT);
        // this one already wrote the first 20 (its catch-up read them)
        ahead.startAt(new String[] {EventIds.ZERO, "1700000000119-0"});
        hub.admit(behind);
        hub.admit(ahead);
        List<ClientEvent> held = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            held.add(new ClientEvent("17000000001" + (i < 10 ? "0" + i : i) + "-0", "news", "h" + i));
        }

        assertThat(hub.deliverMissed(TOPIC, held)).as("followed here").isTrue();
        assertThat(behind.isClosed())
                .as("30 over a queue limit of 3: not counted")
                .isFalse();
        assertThat(drained(behind).lines().filter(l -> l.startsWith("data: ")))
                .hasSize(30)
                .first()
                .isEqualTo("data: h0");
        assertThat(drained(ahead).lines().filter(l -> l.startsWith("data: ")))
                .as("only what comes after its own position")
                .hasSize(10)
                .first()
                .isEqualTo("data: h20");
        assertThat(hub.deliverMissed(TopicNames.logKey("nobody"), held)).isFalse();
    }

    @Test
    void theHubHandsAnEventOnceToEachLoopAndOffersTheRest() {
        StreamHub hub = hub();
        List<List<SseStream>> firstLoop = new ArrayList<>();
        List<List<SseStream>> secondLoop = new ArrayList<>();
        FanOutWriter one = (log, frame, batch) -> firstLoop.add(batch);
        FanOutWriter two = (log, frame, batch) -> secondLoop.add(batch);
        List<SseStream> onOne = new ArrayList<>();
        List<SseStream> onTwo = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SseStream s = topicStream("c" + i);
            hub.admit(s);
            (i % 2 == 0 ? onOne : onTwo).add(s);
            s.writtenBy(i % 2 == 0 ? one : two, "slot-" + i);
        }
        SseStream threaded = topicStream("t");
        hub.admit(threaded);

        hub.deliver(TOPIC, new ClientEvent("1700000000000-0", "news", "one"));

        assertThat(firstLoop).hasSize(1);
        assertThat(firstLoop.getFirst()).containsExactlyInAnyOrderElementsOf(onOne);
        assertThat(secondLoop).hasSize(1);
        assertThat(secondLoop.getFirst()).containsExactlyInAnyOrderElementsOf(onTwo);
        assertThat(onOne.getFirst().writerSlot()).isEqualTo("slot-0");
        // the loops' streams got nothing queued; the stream with a thread of its own did
        assertThat(onOne.getFirst().drain()).isNull();
        assertThat(drained(threaded)).contains("data: one");
    }
}
