package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryStateStoreTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private MemoryStateStore store = new MemoryStateStore(clock, 5, Duration.ofMinutes(10), Duration.ofMinutes(30));

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void concurrentPublishesReachListenersInIdOrder() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        store.subscribe((client, event) -> seen.add(event.id()));
        store.follow("busy");
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            publishers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    store.publish("busy", "t", "x");
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }
        assertThat(seen).hasSize(8000);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(EventIds.compare(seen.get(i - 1), seen.get(i)))
                    .as("dispatch order follows log order")
                    .isNegative();
        }
    }

    @Test
    void concurrentFirstPublishesForANewClientAllLandInOneLogAndReachAStreamInOrder() throws Exception {
        store.close();
        store = new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofMinutes(10), Duration.ofMinutes(30));
        int clients = 2000;
        int publishers = 5;
        // a stream as SseStream keeps one: it writes an event only when its id is after the last it wrote
        Map<String, List<String>> streamed = new ConcurrentHashMap<>();
        Map<String, String> lastWritten = new ConcurrentHashMap<>();
        store.subscribe((client, event) -> {
            String last = lastWritten.getOrDefault(client, EventIds.ZERO);
            if (EventIds.compare(event.id(), last) > 0) {
                lastWritten.put(client, event.id());
                streamed.computeIfAbsent(client, c -> new CopyOnWriteArrayList<>())
                        .add(event.id());
            }
        });
        for (int c = 0; c < clients; c++) {
            store.follow("new-" + c);
        }
        Map<String, List<String>> published = new ConcurrentHashMap<>();
        CyclicBarrier together = new CyclicBarrier(publishers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < publishers; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int c = 0; c < clients; c++) {
                        // every publisher starts on the same new client at once
                        together.await(10, TimeUnit.SECONDS);
                        String id = store.publish("new-" + c, "t", "x").id();
                        published
                                .computeIfAbsent("new-" + c, k -> new CopyOnWriteArrayList<>())
                                .add(id);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(published).hasSize(clients);
        List<String> lostFromLog = new ArrayList<>();
        List<String> skippedByStream = new ArrayList<>();
        published.forEach((client, ids) -> {
            List<String> sorted = ids.stream().sorted(EventIds::compare).toList();
            List<String> inLog = store.readAfter(client, EventIds.ZERO, 100).stream()
                    .map(ClientEvent::id)
                    .toList();
            if (!inLog.equals(sorted)) {
                lostFromLog.add(client + " published " + sorted + " log " + inLog);
            }
            if (!streamed.getOrDefault(client, List.of()).equals(sorted)) {
                skippedByStream.add(client + " published " + sorted + " streamed " + streamed.get(client));
            }
        });
        assertThat(lostFromLog).as("every result exactly once in the log").isEmpty();
        assertThat(skippedByStream)
                .as("every result exactly once on the stream, in order")
                .isEmpty();
    }

    @Test
    void kindAndViews() {
        assertThat(store.kind()).isEqualTo("memory");
        assertThat(store.events()).isSameAs(store);
        assertThat(store.connections())
                .isInstanceOf(MemoryConnectionDirectory.class)
                .isSameAs(store.connections());
        assertThat(store.health().up()).isTrue();
    }

    @Test
    void idsUseClockMillisAndIncreaseWithAFixedClock() {
        store.close();
        store = new MemoryStateStore(Clock.fixed(T0, ZoneOffset.UTC), 100, Duration.ofHours(1), Duration.ofMinutes(30));
        long millis = T0.toEpochMilli();
        assertThat(store.publish("c", "t", "1").id()).isEqualTo(millis + "-0");
        assertThat(store.publish("c", "t", "2").id()).isEqualTo(millis + "-1");
        assertThat(store.publish("other", "t", "3").id()).isEqualTo(millis + "-2");
        assertThat(store.publish("c", "t", "4").id()).isEqualTo(millis + "-3");
    }

    @Test
    void sequenceResetsWhenTheClockMovesOnAndIdsStillIncreaseWhenItStepsBack() {
        long millis = T0.toEpochMilli();
        assertThat(store.publish("c", "t", "a").id()).isEqualTo(millis + "-0");
        assertThat(store.publish("c", "t", "b").id()).isEqualTo(millis + "-1");
        clock.advance(Duration.ofMillis(5));
        assertThat(store.publish("c", "t", "c").id()).isEqualTo((millis + 5) + "-0");
        clock.advance(Duration.ofSeconds(-2));
        String back = store.publish("c", "t", "d").id();
        assertThat(back).isEqualTo((millis + 5) + "-1");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            if (i % 7 == 0) {
                clock.advance(Duration.ofMillis(i % 2 == 0 ? 3 : -3));
            }
            String id = store.publish("c", "t", "x").id();
            assertThat(EventIds.isValid(id)).isTrue();
            ids.add(id);
        }
        for (int i = 1; i < ids.size(); i++) {
            assertThat(EventIds.compare(ids.get(i), ids.get(i - 1)))
                    .as(ids.get(i))
                    .isPositive();
        }
    }

    @Test
    void publishReturnsTheEvent() {
        ClientEvent e = store.publish("c", "function_response", "{\"a\":1}");
        assertThat(e.type()).isEqualTo("function_response");
        assertThat(e.data()).isEqualTo("{\"a\":1}");
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(e);
    }

    @Test
    void readAfterReturnsLaterEventsInOrderUpToMax() {
        ClientEvent e1 = store.publish("c", "t", "1");
        ClientEvent e2 = store.publish("c", "t", "2");
        ClientEvent e3 = store.publish("c", "t", "3");
        ClientEvent e4 = store.publish("c", "t", "4");
        store.publish("other", "t", "x");

        assertThat(store.readAfter("c", EventIds.ZERO, 100)).containsExactly(e1, e2, e3, e4);
        assertThat(store.readAfter("c", e1.id(), 100)).containsExactly(e2, e3, e4);
        assertThat(store.readAfter("c", e2.id(), 1)).containsExactly(e3);
        assertThat(store.readAfter("c", EventIds.ZERO, 2)).containsExactly(e1, e2);
        assertThat(store.readAfter("c", e4.id(), 100)).isEmpty();
        assertThat(store.readAfter("unknown", EventIds.ZERO, 100)).isEmpty();
    }

    @Test
    void readAfterAnIdBetweenEventsComparesNumerically() {
        clock.set(Instant.ofEpochMilli(9));
        ClientEvent at9 = store.publish("c", "t", "9");
        clock.set(Instant.ofEpochMilli(10));
        ClientEvent at10 = store.publish("c", "t", "10");
        assertThat(at9.id()).isEqualTo("9-0");
        assertThat(at10.id()).isEqualTo("10-0");
        assertThat(store.readAfter("c", "9-0", 10)).containsExactly(at10);
        assertThat(store.readAfter("c", "9-5", 10)).containsExactly(at10);
        assertThat(store.readAfter("c", "8-99", 10)).containsExactly(at9, at10);
    }

    @Test
    void logIsBoundedByMaxLengthDroppingOldest() {
        List<ClientEvent> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(store.publish("c", "t", "e" + i));
        }
        assertThat(store.readAfter("c", EventIds.ZERO, 100)).containsExactlyElementsOf(all.subList(3, 8));
        // an id from before the retained window returns what is left
        assertThat(store.readAfter("c", all.get(0).id(), 100)).containsExactlyElementsOf(all.subList(3, 8));
        assertThat(store.tail("c")).isEqualTo(all.get(7).id());
        // per client
        ClientEvent other = store.publish("d", "t", "x");
        assertThat(store.readAfter("d", EventIds.ZERO, 100)).containsExactly(other);
    }

    @Test
    void maxLengthOneKeepsOnlyTheNewest() {
        store.close();
        store = new MemoryStateStore(clock, 1, Duration.ofMinutes(1), Duration.ofMinutes(30));
        store.publish("c", "t", "a");
        ClientEvent b = store.publish("c", "t", "b");
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(b);
    }

    @Test
    void pastItsByteBoundTheStoreEvictsTheOldestEventsOfAllLogsAndAnnouncesEveryOne() {
        store.close();
        // ten events of ~1 KB fit in 10 KB; every append past it evicts down to three quarters, oldest first
        String kilobyte = "x".repeat(1000);
        long size = MemoryLogBytes.of(new ClientEvent("1700000000000-0", "t", kilobyte));
        store = new MemoryStateStore(clock, 100, Duration.ofMinutes(10), Duration.ofMinutes(30), 10 * size);
        List<ClientEvent> announced = new ArrayList<>();
        store.subscribe((log, e) -> announced.add(e));
        List.of("a", "b", "c").forEach(store::follow);
        List<ClientEvent> published = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMillis(1));
            published.add(store.publish(List.of("a", "b", "c").get(i % 3), "t", kilobyte));
        }

        assertThat(announced).as("live delivery loses nothing").containsExactlyElementsOf(published);
        assertThat(store.heldEventBytes()).isLessThanOrEqualTo(10 * size);
        List<ClientEvent> kept = new ArrayList<>();
        for (String log : List.of("a", "b", "c")) {
            kept.addAll(store.readAfter(log, EventIds.ZERO, 100));
        }
        kept.sort((x, y) -> EventIds.compare(x.id(), y.id()));
        assertThat(kept)
                .as("what is left is the newest, whichever log holds it")
                .isNotEmpty()
                .containsExactlyElementsOf(published.subList(published.size() - kept.size(), published.size()));
        assertThat(kept.size()).isBetween(8, 10);
        assertThat(store.heldEventBytes()).isEqualTo(kept.size() * size);
    }

    @Test
    void trimmedAndExpiredEventsNoLongerCountAgainstTheByteBound() {
        store.close();
        store = new MemoryStateStore(clock, 2, Duration.ofMinutes(10), Duration.ofMinutes(30), 1L << 20);
        store.publish("c", "t", "one");
        ClientEvent two = store.publish("c", "t", "two");
        ClientEvent three = store.publish("c", "t", "three");
        assertThat(store.heldEventBytes())
                .as("the trimmed first no longer counts")
                .isEqualTo(MemoryLogBytes.of(two) + MemoryLogBytes.of(three));
        clock.advance(Duration.ofMinutes(11));
        store.connections().refresh(List.of());
        assertThat(store.heldEventBytes()).as("an expired log holds nothing").isZero();
    }

    @Test
    void tail() {
        assertThat(store.tail("c")).isEqualTo(EventIds.ZERO);
        ClientEvent e1 = store.publish("c", "t", "1");
        assertThat(store.tail("c")).isEqualTo(e1.id());
        ClientEvent e2 = store.publish("c", "t", "2");
        assertThat(store.tail("c")).isEqualTo(e2.id());
        assertThat(store.tail("other")).isEqualTo(EventIds.ZERO);
    }

    @Test
    void idleLogExpiresAfterTtl() {
        ClientEvent e = store.publish("c", "t", "1");
        clock.advance(Duration.ofMinutes(10));
        // exactly ttl old: still kept
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(e);
        assertThat(store.tail("c")).isEqualTo(e.id());
        clock.advance(Duration.ofMillis(1));
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).isEmpty();
        assertThat(store.tail("c")).isEqualTo(EventIds.ZERO);
    }

    @Test
    void publishingKeepsTheLogAlive() {
        ClientEvent e1 = store.publish("c", "t", "1");
        clock.advance(Duration.ofMinutes(8));
        ClientEvent e2 = store.publish("c", "t", "2");
        clock.advance(Duration.ofMinutes(8));
        // 16 minutes after the first event, 8 after the last: the whole log is kept
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(e1, e2);
        clock.advance(Duration.ofMinutes(3));
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).isEmpty();
    }

    @Test
    void anAppendKeptForLessSetsHowLongTheWholeLogOutlivesIt() {
        ClientEvent progress = store.publish("stream", "message", "1");
        clock.advance(Duration.ofMinutes(5));
        ClientEvent response = store.publish("stream", "response", "2", Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.readAfter("stream", EventIds.ZERO, 10)).containsExactly(progress, response);
        clock.advance(Duration.ofMillis(1));
        // 2 minutes after the short-lived append, though the store keeps an idle log 10
        assertThat(store.readAfter("stream", EventIds.ZERO, 10)).isEmpty();
        assertThat(store.tail("stream")).isEqualTo(EventIds.ZERO);
    }

    @Test
    void refreshLetsGoOfShortLivedLogsAndKeepsTheOthers() {
        for (int i = 0; i < 1000; i++) {
            store.publish("answered-" + i, "response", "{}", Duration.ofSeconds(30));
        }
        ClientEvent kept = store.publish("client", "t", "1");
        ClientEvent renewed = store.publish("renewed", "response", "{}", Duration.ofSeconds(30));
        ClientEvent again = store.publish("renewed", "t", "2");
        clock.advance(Duration.ofSeconds(31));
        store.connections().refresh(List.of());
        for (int i = 0; i < 1000; i++) {
            assertThat(store.tail("answered-" + i)).isEqualTo(EventIds.ZERO);
        }
        assertThat(store.tail("client")).isEqualTo(kept.id());
        // a later append with the store's TTL lengthens it again
        assertThat(store.readAfter("renewed", EventIds.ZERO, 10)).containsExactly(renewed, again);
    }

    @Test
    void refreshLetsGoOfExpiredLogsAndSessionsAndKeepsTheRenewedOnes() {
        for (int i = 0; i < 100; i++) {
            store.publish("idle-" + i, "t", "1");
            store.publish("answered-" + i, "response", "{}", Duration.ofSeconds(30));
            store.save(session("s-" + i));
        }
        store.publish("busy", "t", "1");
        clock.advance(Duration.ofMinutes(9));
        store.publish("busy", "t", "2");
        assertThat(store.find("s-0")).isPresent(); // renews it for 30 minutes from now
        clock.advance(Duration.ofMinutes(2));
        store.connections().refresh(List.of());
        // the answered logs went after 30 s, the idle ones after 10 minutes
        assertThat(store.logsHeld()).isEqualTo(1);
        assertThat(store.sessionsHeld()).isEqualTo(100);

        clock.advance(Duration.ofMinutes(20));
        store.connections().refresh(List.of());
        assertThat(store.sessionsHeld()).isEqualTo(1);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.peek("s-0")).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(store.count()).isZero();
        assertThat(store.logsHeld()).isZero();
    }

    @Test
    void aLogAnAnsweredCallShortenedIsLetGoOfWithinAMinuteOfItsEnd() {
        for (int i = 0; i < 100; i++) {
            store.publish("call-" + i, "message", "progress"); // kept for the store's 10 minutes
        }
        store.publish("client", "t", "1");
        clock.advance(Duration.ofSeconds(2));
        store.connections().refresh(List.of()); // the logs are filed by their 10 minutes
        for (int i = 0; i < 100; i++) {
            store.publish("call-" + i, "response", "{}", Duration.ofSeconds(30)); // then kept for 30 s
        }
        clock.advance(Duration.ofSeconds(31));
        store.connections().refresh(List.of());
        assertThat(store.logsHeld()).isEqualTo(1);
        // the first filings, ten minutes ahead at the calls' start, were filed a minute ahead at most
        clock.advance(Duration.ofSeconds(61));
        store.connections().refresh(List.of());
        assertThat(store.logsFiled()).isEqualTo(1);
    }

    private static McpSession session(String id) {
        return new McpSession(id, "tools", "2025-06-18", null, null, null, "2025-06-18", null, T0, null);
    }

    @Test
    void refreshDropsExpiredLogsOnly() {
        store.publish("old", "t", "1");
        clock.advance(Duration.ofMinutes(9));
        ClientEvent fresh = store.publish("fresh", "t", "2");
        clock.advance(Duration.ofMinutes(2));
        store.connections().refresh(List.of());
        assertThat(store.tail("old")).isEqualTo(EventIds.ZERO);
        assertThat(store.tail("fresh")).isEqualTo(fresh.id());
    }

    @Test
    void publishAfterExpiryStartsAFreshLogWhenExpiryWasNoticed() {
        store.publish("c", "t", "old");
        clock.advance(Duration.ofMinutes(11));
        store.connections().refresh(List.of());
        ClientEvent fresh = store.publish("c", "t", "new");
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(fresh);
    }

    @Test
    void publishAfterExpiryDoesNotResurrectExpiredEvents() {
        store.publish("c", "t", "old");
        clock.advance(Duration.ofMinutes(11));
        ClientEvent fresh = store.publish("c", "t", "new");
        assertThat(store.readAfter("c", EventIds.ZERO, 10)).containsExactly(fresh);
    }

    @Test
    void subscribersReceiveClientIdAndEvent() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        store.subscribe(
                (client, event) -> first.add(client + "|" + event.id() + "|" + event.type() + "|" + event.data()));
        store.subscribe((client, event) -> second.add(client));
        store.follow("alice");
        store.follow("bob");
        ClientEvent a = store.publish("alice", "function_response", "{}");
        ClientEvent b = store.publish("bob", "error", "{\"e\":1}");
        assertThat(first)
                .containsExactly("alice|" + a.id() + "|function_response|{}", "bob|" + b.id() + "|error|{\"e\":1}");
        assertThat(second).containsExactly("alice", "bob");
    }

    @Test
    void eventIsInTheLogBeforeSubscribersHearOfIt() {
        List<List<ClientEvent>> seen = new ArrayList<>();
        store.subscribe((client, event) -> seen.add(store.readAfter(client, EventIds.ZERO, 10)));
        store.follow("c");
        ClientEvent e = store.publish("c", "t", "x");
        assertThat(seen).containsExactly(List.of(e));
    }

    @Test
    void onlyFollowedLogsAreAnnouncedAndTheLastToLeaveStopsThem() {
        List<String> seen = new ArrayList<>();
        store.subscribe((client, event) -> seen.add(client + ":" + event.data()));
        store.publish("room", "t", "before");
        store.follow("room");
        store.follow("room");
        store.publish("room", "t", "followed");
        store.publish("elsewhere", "t", "never");
        store.unfollow("room");
        store.publish("room", "t", "one follower left");
        store.unfollow("room");
        store.publish("room", "t", "after");
        assertThat(seen).containsExactly("room:followed", "room:one follower left");
        assertThat(store.followedLogs()).isZero();
        assertThat(store.readAfter("room", EventIds.ZERO, 10))
                .as("logged all the same")
                .hasSize(4);
    }

    @Test
    void closeDropsSubscribers() {
        List<ClientEvent> seen = new ArrayList<>();
        store.subscribe((client, event) -> seen.add(event));
        store.follow("c");
        store.close();
        store.publish("c", "t", "x");
        assertThat(seen).isEmpty();
    }

    @Test
    void connectionDirectory() {
        assertThat(store.connections().list()).isEmpty();
        ConnectionInfo later = connection("conn-b", T0.plusSeconds(5));
        ConnectionInfo earlier = connection("conn-a", T0);
        store.connections().register(later);
        store.connections().register(earlier);
        assertThat(store.connections().list()).containsExactly(earlier, later);

        store.connections().unregister("conn-a");
        assertThat(store.connections().list()).containsExactly(later);
        store.connections().unregister("never-registered");
        assertThat(store.connections().list()).containsExactly(later);
    }

    @Test
    void refreshRewritesOnlyRegisteredConnections() {
        ConnectionInfo a = connection("conn-a", T0);
        store.connections().register(a);
        ConnectionInfo moved =
                new ConnectionInfo("conn-a", "client", "user", Map.of("k", "v"), T0, T0.plusSeconds(30), "replica-1");
        ConnectionInfo unknown = connection("conn-gone", T0);
        store.connections().refresh(List.of(moved, unknown));
        assertThat(store.connections().list()).containsExactly(moved);
        assertThat(store.connections().list().get(0).lastActivity()).isEqualTo(T0.plusSeconds(30));
    }

    private static ConnectionInfo connection(String id, Instant createdAt) {
        return new ConnectionInfo(id, "client", "user", Map.of("k", "v"), createdAt, createdAt, "replica-1");
    }
}
