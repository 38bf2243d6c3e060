package dev.switchboard.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestRedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routed fan-out in a fleet of four replicas on one real Redis (standalone, and a three-master Cluster where
 * announcements are sharded): a replica receives the appends of a log only while one of its streams follows
 * it, each once however many of its streams follow; a log's subscription churning on a replica while events
 * flow loses none of them, and leaves no channel subscribed once the last stream is gone.
 */
class RoutedFanoutTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    private static final String RECEIVED = "switchboard_fanout_received_total";
    private static final String DELIVERED = "switchboard_fanout_delivered_total";
    private static final String SUBSCRIPTIONS = "switchboard_fanout_subscriptions";

    private final List<Gateway> replicas = new ArrayList<>();

    @AfterEach
    void stop() {
        replicas.forEach(Gateway::close);
    }

    /** @return the Redis URL of the kind asked for, emptied (a Cluster is skipped where it cannot start) */
    private static String redis(String kind) {
        if (kind.equals("cluster")) {
            TestRedisCluster cluster = TestRedisCluster.shared().orElse(null);
            assumeTrue(cluster != null, "redis-server and redis-cli are not on PATH");
            cluster.flush();
            return cluster.url();
        }
        TestRedis.shared().flush();
        return TestRedis.shared().url();
    }

    private Gateway replica(String id, String redisUrl) {
        return replica(id, redisUrl, Map.of());
    }

    private Gateway replica(String id, String redisUrl, Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(TestGateways.callingLoopback(
                "REDIS_URL", redisUrl, "REPLICA_ID", id, "ADMIN_TOKEN", ADMIN_TOKEN, "HEARTBEAT_INTERVAL", "500ms"));
        values.putAll(settings);
        Gateway gateway = Gateway.start(GatewayConfig.from(values));
        replicas.add(gateway);
        return gateway;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster"})
    void aReplicaReceivesOnlyTheLogsItsStreamsFollowEachOnce(String kind) {
        String url = redis(kind);
        Gateway twoStreams = replica("replica-0", url);
        Gateway oneStream = replica("replica-1", url);
        Gateway otherStream = replica("replica-2", url);
        Gateway none = replica("replica-3", url);
        int events = 20;
        try (SseClient a = SseClient.open(sse(twoStreams, "/sse/a?topic=room"));
                SseClient b = SseClient.open(sse(twoStreams, "/sse/b?topic=room"));
                SseClient c = SseClient.open(sse(oneStream, "/sse/c?topic=room"));
                SseClient d = SseClient.open(sse(otherStream, "/sse/d?topic=room"));
                SseClient elsewhere = SseClient.open(sse(none, "/sse/e?topic=lobby"))) {
            for (SseClient s : List.of(a, b, c, d, elsewhere)) {
                assertThat(s.next(WAIT).type()).isEqualTo("connected");
            }
            for (int n = 0; n < events; n++) {
                // published through the replica that follows nothing of the room: publishing needs no subscription
                assertThat(publish(none, "room", n).status()).isEqualTo(202);
            }
            for (SseClient s : List.of(a, b, c, d)) {
                assertThat(numbers(s, events))
                        .as("every event, once, in order")
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, events)
                                .boxed()
                                .toList());
            }
            for (Gateway following : List.of(twoStreams, oneStream, otherStream)) {
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(meter(following, RECEIVED))
                                .as("each announcement received once, however many streams follow it here")
                                .isEqualTo(events));
                assertThat(meter(following, DELIVERED)).as("none of it wasted").isEqualTo(events);
            }
            assertThat(meter(none, RECEIVED))
                    .as("the replica without a stream of the room received none of it")
                    .isZero();
            assertThat(meter(none, SUBSCRIPTIONS))
                    .as("its own client's log and the lobby")
                    .isEqualTo(2);
            assertThat(meter(twoStreams, SUBSCRIPTIONS))
                    .as("two clients' logs and the room")
                    .isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster"})
    void streamsChurningOnOneLogWhileEventsFlowLoseNoneAndLeaveNoSubscription(String kind) throws Exception {
        String url = redis(kind);
        Gateway churning = replica("replica-0", url);
        Gateway publishing = replica("replica-1", url);
        replica("replica-2", url);
        replica("replica-3", url);
        int total = 300;
        List<String> published = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        /** Per stream that ran: its start in the room's log, then the ids it received there. */
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> churners = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            String client = "churner-" + t;
            churners.add(Thread.ofVirtual().start(() -> {
                // each stream opens, takes a few events, and leaves: the room's last stream here leaves and a
                // new first one arrives again and again while events are published
                while (!done.get()) {
                    try (SseClient s = SseClient.open(sse(churning, "/sse/" + client + "?topic=room"))) {
                        SseClient.Event connected = s.next(WAIT);
                        String start = ResumeToken.decode(connected.id(), List.of(client, "topic:room"))[1];
                        List<String> got = new ArrayList<>();
                        for (int i = 0; i < 3 && !done.get(); i++) {
                            SseClient.Event e = s.nextNonHeartbeat(Duration.ofSeconds(3));
                            got.add(ResumeToken.decode(e.id(), List.of(client, "topic:room"))[1]);
                        }
                        got.addFirst(start);
                        seen.add(got);
                    } catch (RuntimeException | AssertionError e) {
                        if (!done.get()) {
                            failures.add(client + ": " + e);
                        }
                    }
                }
            }));
        }
        for (int n = 0; n < total; n++) {
            Http.Answer answer = publish(publishing, "room", n);
            assertThat(answer.status()).isEqualTo(202);
            published.add(MAPPER.readTree(answer.body()).get("id").asText());
            Thread.sleep(5);
        }
        // the churners' last reads may wait on events that will not come: they give up once told
        done.set(true);
        for (Thread t : churners) {
            t.join(WAIT.toMillis());
        }
        assertThat(failures).isEmpty();
        // checked once every id is known (a stream may see an event before its publisher sees the answer)
        for (List<String> stream : seen) {
            String start = stream.getFirst();
            List<String> got = stream.subList(1, stream.size());
            assertThat(got)
                    .as("a stream from " + start + " gets exactly the events after it, in order")
                    .isEqualTo(published.stream()
                            .filter(id -> compare(id, start) > 0)
                            .limit(got.size())
                            .toList());
        }
        assertThat(seen.size()).as("streams opened and closed").isGreaterThan(20);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(meter(churning, SUBSCRIPTIONS))
                        .as("the replica's subscription bookkeeping back to zero")
                        .isZero());
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(announcementChannels(kind))
                        .as("no announcement channel left subscribed in Redis")
                        .isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster"})
    void anMcpPostStreamIsLoggedForResumeButAnnouncedToNoReplicaThatDoesNotFollowIt(String kind) {
        String url = redis(kind);
        List<Gateway> fleet = List.of(
                replica("replica-0", url),
                replica("replica-1", url),
                replica("replica-2", url),
                replica("replica-3", url));
        try (dev.switchboard.gateway.support.McpFunctionStub mcp =
                dev.switchboard.gateway.support.McpFunctionStub.start(false)) {
            assertThat(Http.send(
                                    "POST",
                                    "http://127.0.0.1:" + fleet.get(0).adminPort() + "/admin/functions",
                                    "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\"}",
                                    Map.of(
                                            "Content-Type",
                                            "application/json",
                                            "Authorization",
                                            "Bearer " + ADMIN_TOKEN))
                            .status())
                    .isEqualTo(201);
            Map<String, String> headers = Map.of(
                    "Content-Type", "application/json",
                    "Accept", "application/json, text/event-stream");
            await().atMost(WAIT)
                    .until(() -> Http.send("POST", mcpUrl(fleet.get(1)), INITIALIZE, headers)
                                    .status()
                            == 200);
            String session = Http.send("POST", mcpUrl(fleet.get(0)), INITIALIZE, headers)
                    .headers()
                    .firstValue("Mcp-Session-Id")
                    .orElseThrow();
            Map<String, String> inSession = new HashMap<>(headers);
            inSession.put("Mcp-Session-Id", session);
            // a streamed call (priming, two progress notifications, the result), every event logged for resume
            Http.Answer call = Http.send(
                    "POST",
                    mcpUrl(fleet.get(1)),
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"progress\",\"arguments\":{}}}",
                    inSession);
            List<SseClient.Event> events = SseClient.parse(call.body());
            assertThat(events).hasSize(4);
            for (Gateway replica : fleet) {
                assertThat(meter(replica, RECEIVED))
                        .as("no replica follows the POST stream live: none is told")
                        .isZero();
            }
            // yet it is in the log: resumed from its priming event on another replica, the rest is replayed
            Map<String, String> resume = new HashMap<>(inSession);
            resume.put("Accept", "text/event-stream");
            resume.put("Last-Event-ID", events.getFirst().id());
            Http.Answer resumed = Http.send("GET", mcpUrl(fleet.get(3)), null, resume);
            assertThat(SseClient.parse(resumed.body()))
                    .extracting(SseClient.Event::id)
                    .containsExactlyElementsOf(events.subList(1, 4).stream()
                            .map(SseClient.Event::id)
                            .toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"standalone", "cluster"})
    void aCutSubscriptionConnectionIsMadeAgainAndItsStreamsCatchUp(String kind) {
        String url = redis(kind);
        Gateway following = replica("replica-0", url);
        Gateway publishing = replica("replica-1", url);
        try (SseClient stream = SseClient.open(sse(following, "/sse/gap?topic=room"))) {
            assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            for (int n = 0; n < 10; n++) {
                // every pub/sub connection cut (on a Cluster, the node connections too) while events are published
                killPubSub(kind);
                assertThat(publish(publishing, "room", n).status()).isEqualTo(202);
            }
            assertThat(numbers(stream, 10))
                    .as("every event, once, in order")
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(announcementChannels(kind))
                            .as("the stream's two logs subscribed again, nothing else")
                            .containsExactlyInAnyOrder(
                                    RedisKeys.announcements("gap"), RedisKeys.announcements("topic:room")));
        }
    }

    @org.junit.jupiter.api.Test
    void eventsFlowingWhileTheSubscriptionIsCutAndMadeAgainArriveEachOnceInOrder() throws Exception {
        // live announcements right after the re-subscription used to reach the stream before its catch-up had read
        // what was missed, which the stream then dropped as older than what it had written: a gap, for good
        String url = redis("standalone");
        Gateway following = replica("replica-0", url);
        Gateway publishing = replica("replica-1", url);
        int count = 300;
        try (SseClient stream = SseClient.open(sse(following, "/sse/flow?topic=busy"))) {
            assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            java.util.concurrent.CompletableFuture<Void> published =
                    java.util.concurrent.CompletableFuture.runAsync(() -> {
                        for (int n = 0; n < count; n++) {
                            assertThat(publish(publishing, "busy", n).status()).isEqualTo(202);
                        }
                    });
            for (int cut = 0; cut < 4 && !published.isDone(); cut++) {
                Thread.sleep(60);
                killPubSub("standalone");
            }
            published.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            List<Integer> expected =
                    java.util.stream.IntStream.range(0, count).boxed().toList();
            assertThat(numbers(stream, count)).as("every event, once, in order").isEqualTo(expected);
        }
    }

    /**
     * What a stream missed while its replica's fan-out connection was away is not the client being slow: a
     * catch-up longer than {@code STREAM_QUEUE_DEPTH} used to fill the stream's queue at once and cut a client that
     * read every byte (the fleet's Redis-restart test, now and then, on a busy machine).
     */
    @org.junit.jupiter.api.Test
    void aCatchUpLongerThanTheStreamQueueReachesAStreamThatReads() throws Exception {
        String url = redis("standalone");
        int missed = 60;
        try (TcpForwarder path = cuttablePath()) {
            Gateway following = replica("replica-0", through(path, url), Map.of("STREAM_QUEUE_DEPTH", "8"));
            Gateway publishing = replica("replica-1", url);
            try (SseClient stream = SseClient.open(sse(following, "/sse/behind?topic=burst"));
                    SseClient beside = SseClient.open(sse(following, "/sse/beside?topic=burst"))) {
                assertThat(stream.next(WAIT).type()).isEqualTo("connected");
                assertThat(beside.next(WAIT).type()).isEqualTo("connected");
                assertThat(publish(publishing, "burst", 0).status()).isEqualTo(202);
                assertThat(numbers(stream, 1)).containsExactly(0);
                assertThat(numbers(beside, 1)).containsExactly(0);
                // the following replica loses Redis while the topic goes on
                cutOff(path);
                for (int n = 1; n <= missed; n++) {
                    assertThat(publish(publishing, "burst", n).status()).isEqualTo(202);
                }
                path.retarget(TestRedis.shared().port());
                List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, missed)
                        .boxed()
                        .toList();
                assertThat(numbers(stream, missed))
                        .as("what was missed, whole and in order, on the same stream")
                        .isEqualTo(expected);
                assertThat(numbers(beside, missed))
                        .as("and on the other stream at the same position (one read serves both)")
                        .isEqualTo(expected);
                assertThat(publish(publishing, "burst", missed + 1).status()).isEqualTo(202);
                assertThat(numbers(stream, 1)).as("and live again").containsExactly(missed + 1);
            }
        }
    }

    /**
     * When the log cannot be read back after the fan-out connection was re-made (here every XRANGE of the following
     * replica is held up past its patience), the stream is not left with a gap: it ends with a reconnect hint, and the
     * client's resume reads what it missed. A failed read used to be counted and forgotten.
     */
    @org.junit.jupiter.api.Test
    void aStreamWhoseMissedEventsCannotBeReadBackEndsForItsClientToResume() throws Exception {
        String url = redis("standalone");
        try (TcpForwarder path = cuttablePath()) {
            Gateway following = replica("replica-0", through(path, url), Map.of());
            Gateway publishing = replica("replica-1", url);
            try (SseClient stream = SseClient.open(sse(following, "/sse/gapped?topic=held"));
                    SseClient other = SseClient.open(sse(following, "/sse/gapped-too?topic=held"))) {
                assertThat(stream.next(WAIT).type()).isEqualTo("connected");
                assertThat(other.next(WAIT).type()).isEqualTo("connected");
                assertThat(publish(publishing, "held", 0).status()).isEqualTo(202);
                SseClient.Event first = stream.nextNonHeartbeat(WAIT);
                other.nextNonHeartbeat(WAIT);
                cutOff(path);
                for (int n = 1; n <= 5; n++) {
                    assertThat(publish(publishing, "held", n).status()).isEqualTo(202);
                }
                // the read back (XRANGE with COUNT) waits longer than the catch-up's patience, and whatever the
                // command connection sends after it waits behind it
                path.delayRequests("*6\r\n$6\r\nXRANGE", Duration.ofSeconds(40));
                path.retarget(TestRedis.shared().port());

                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> stream.awaitEnd(Duration.ZERO) || other.awaitEnd(Duration.ZERO));
                assertThat(stream.awaitEnd(Duration.ofSeconds(5)) && other.awaitEnd(Duration.ofSeconds(5)))
                        .as("both streams of the log end")
                        .isTrue();
                assertThat(stream.retry()).as("with a reconnect hint").isNotNull();
                try (SseClient resumed = SseClient.open(
                        sse(publishing, "/sse/gapped?topic=held"), Map.of("Last-Event-ID", first.id()))) {
                    assertThat(resumed.next(WAIT).type()).isEqualTo("connected");
                    assertThat(numbers(resumed, 5))
                            .as("its resume reads what it missed")
                            .containsExactly(1, 2, 3, 4, 5);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aFollowedTopicWhoseSlotMovesToAnotherNodeIsFollowedThere() {
        String url = redis("cluster");
        Gateway following = replica("replica-0", url);
        Gateway publishing = replica("replica-1", url);
        TestRedisCluster cluster = TestRedisCluster.shared().orElseThrow();
        String channel = RedisKeys.announcements("topic:moving");
        try (SseClient stream = SseClient.open(sse(following, "/sse/mover?topic=moving"))) {
            assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            int owner = cluster.ports().stream()
                    .filter(port ->
                            lines(cluster.command(port, "PUBSUB SHARDCHANNELS")).contains(channel))
                    .findFirst()
                    .orElseThrow();
            int target = cluster.ports().stream()
                    .filter(port -> port != owner)
                    .findFirst()
                    .orElseThrow();
            // the slot holds no key yet (nothing was published to the topic): moving it is three SETSLOTs; the
            // former owner then ends the slot's shard subscriptions with an unsolicited SUNSUBSCRIBE
            String slot =
                    cluster.command(owner, "CLUSTER KEYSLOT " + channel).trim().substring(1);
            String ownerId = lines(cluster.command(owner, "CLUSTER MYID")).getFirst();
            String targetId = lines(cluster.command(target, "CLUSTER MYID")).getFirst();
            assertThat(cluster.command(target, "CLUSTER SETSLOT " + slot + " IMPORTING " + ownerId))
                    .startsWith("+OK");
            assertThat(cluster.command(owner, "CLUSTER SETSLOT " + slot + " MIGRATING " + targetId))
                    .startsWith("+OK");
            for (int port : List.of(target, owner)) {
                assertThat(cluster.command(port, "CLUSTER SETSLOT " + slot + " NODE " + targetId))
                        .startsWith("+OK");
            }
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(lines(cluster.command(target, "PUBSUB SHARDCHANNELS")))
                            .as("the replica subscribed on the slot's new owner")
                            .contains(channel));
            for (int n = 0; n < 5; n++) {
                assertThat(publish(publishing, "moving", n).status()).isEqualTo(202);
            }
            assertThat(numbers(stream, 5)).containsExactly(0, 1, 2, 3, 4);
        }
    }

    /** @return a loopback path to the shared Redis that a test can cut (skipped where Redis is not on loopback) */
    private static TcpForwarder cuttablePath() {
        assumeTrue(
                List.of("127.0.0.1", "localhost").contains(TestRedis.shared().host()),
                "the cut path to Redis is a loopback forwarder");
        return TcpForwarder.start(TestRedis.shared().port());
    }

    /** @return the Redis URL with the path in between */
    private static String through(TcpForwarder path, String url) {
        return url.replace(TestRedis.shared().address(), "127.0.0.1:" + path.port());
    }

    /**
     * Cuts a replica behind the path off Redis: its connections close, and new ones close at once (a port nobody
     * listens on; one that accepted and never answered would hang it instead) until the path is retargeted.
     */
    private static void cutOff(TcpForwarder path) throws java.io.IOException {
        int refused;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            refused = free.getLocalPort();
        }
        path.retarget(refused);
        path.cut();
    }

    private static void killPubSub(String kind) {
        if (kind.equals("cluster")) {
            TestRedisCluster cluster = TestRedisCluster.shared().orElseThrow();
            for (int port : cluster.ports()) {
                cluster.command(port, "CLIENT KILL TYPE pubsub");
            }
        } else {
            TestRedis.shared().command("CLIENT", "KILL", "TYPE", "pubsub");
        }
    }

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private static String mcpUrl(Gateway on) {
        return "http://127.0.0.1:" + on.port() + "/mcp/tools";
    }

    private static String sse(Gateway on, String path) {
        return "http://127.0.0.1:" + on.port() + path;
    }

    private static Http.Answer publish(Gateway on, String topic, int n) {
        return Http.send(
                "POST",
                "http://127.0.0.1:" + on.adminPort() + "/publish/" + topic,
                "{\"event\":\"update\",\"data\":{\"n\":" + n + "}}",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ADMIN_TOKEN));
    }

    private static List<Integer> numbers(SseClient stream, int count) {
        List<Integer> numbers = new ArrayList<>();
        while (numbers.size() < count) {
            SseClient.Event e = stream.nextNonHeartbeat(WAIT);
            JsonNode data;
            try {
                data = MAPPER.readTree(e.data());
            } catch (Exception ex) {
                throw new AssertionError(e.data(), ex);
            }
            numbers.add(data.get("data").get("n").asInt());
        }
        return numbers;
    }

    private static long meter(Gateway on, String meter) {
        return (long) Metrics.read("http://127.0.0.1:" + on.adminPort() + "/metrics", meter);
    }

    /** @return the announcement channels Redis has subscribers for: plain, or sharded on every Cluster node */
    private static List<String> announcementChannels(String kind) {
        List<String> channels = new ArrayList<>();
        if (kind.equals("cluster")) {
            TestRedisCluster cluster = TestRedisCluster.shared().orElseThrow();
            for (int port : cluster.ports()) {
                channels.addAll(
                        lines(cluster.command(port, "PUBSUB SHARDCHANNELS *" + RedisKeys.ANNOUNCEMENTS_SUFFIX)));
            }
        } else {
            // TestRedis.command answers a reply's first line only: the list comes through a client of its own
            try (dev.switchboard.registry.RedisConnections redis = dev.switchboard.registry.RedisConnections.connect(
                    TestRedis.shared().url(), Duration.ofSeconds(2))) {
                channels.addAll(redis.sync().pubsubChannels("*" + RedisKeys.ANNOUNCEMENTS_SUFFIX));
            }
        }
        return channels;
    }

    /** @return the bulk strings of a RESP array reply, as the test helpers return it */
    private static List<String> lines(String reply) {
        List<String> values = new ArrayList<>();
        for (String line : reply.split("\r?\n")) {
            if (!line.isEmpty() && !line.startsWith("*") && !line.startsWith("$")) {
                values.add(line);
            }
        }
        return values;
    }

    private static int compare(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }
}
