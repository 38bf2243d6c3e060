package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.RedisMonitor;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Topics on Redis, plus what only a fleet shows: a stream that left one replica resumes every log on another,
 * and topic logs and publish records expire.
 */
class RedisTopicsTest extends TopicsContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", TestRedis.shared().url(), "STREAM_PORT", "0");
    }

    /** Whether streams are opened on the stream listener rather than the public one. */
    private boolean viaStreamListener;

    @Override
    String stream(Gateway on, String path) {
        return viaStreamListener ? "http://127.0.0.1:" + on.streamPort().orElseThrow() + path : super.stream(on, path);
    }

    @Override
    void resetStore() {
        TestRedis.shared().flush();
    }

    @Test
    void aBatchIsAppendedInOneRoundTrip() {
        try (RedisMonitor monitor =
                RedisMonitor.start(TestRedis.shared().host(), TestRedis.shared().port())) {
            monitor.drain(100, 1000, c -> false);
            Http.Answer batch = publish(
                    gateway,
                    "batch-trips",
                    "{\"events\":[{\"data\":{\"n\":1}},{\"data\":{\"n\":2},\"id\":\"b-2\"},{\"data\":{\"n\":3}}]}");
            assertThat(batch.status()).as(batch.body()).isEqualTo(202);
            List<RedisMonitor.Command> log =
                    monitor.drain(150, 3000, c -> c.line().contains("{topic:batch-trips}"));
            assertThat(log.stream().filter(c -> !c.fromScript()).map(c -> c.name()))
                    .as("commands sent for the batch: %s", log)
                    .containsExactly("EVALSHA");
            assertThat(log.stream().filter(c -> c.name().equals("XADD"))).hasSize(3);
        }
    }

    @Test
    void aFunctionAnswersEventsForOneLogInARowAsOneAppend() {
        registerMirror();
        String answer = "{\"switchboard\":{\"publish\":["
                + "{\"topic\":\"run\",\"data\":{\"n\":1}},{\"topic\":\"run\",\"data\":{\"n\":2}},"
                + "{\"client_id\":\"me\",\"data\":{\"n\":3}},{\"topic\":\"run\",\"data\":{\"n\":4}}]}}";
        try (RedisMonitor monitor =
                RedisMonitor.start(TestRedis.shared().host(), TestRedis.shared().port())) {
            monitor.drain(100, 1000, c -> false);
            Http.Answer sync = Http.postJson(pub("/invoke/mirror"), "{\"payload\":" + answer + "}");
            assertThat(sync.status()).as(sync.body()).isEqualTo(200);
            List<RedisMonitor.Command> appends =
                    monitor.drain(150, 3000, c -> c.line().contains(":events\""));
            // the log changes twice: three appends, in the answer's order
            assertThat(appends.stream().filter(c -> !c.fromScript()).map(RedisMonitor.Command::name))
                    .as("commands sent for the answer's events: %s", appends)
                    .containsExactly("EVALSHA", "EVALSHA", "EVALSHA");
            assertThat(appends.stream()
                            .filter(c -> c.name().equals("XADD"))
                            .map(c -> c.line().contains("{topic:run}") ? "run" : "me"))
                    .containsExactly("run", "run", "me", "run");
        }
    }

    @Test
    void resumesEveryLogOnTheOtherReplica() {
        Gateway other = startGateway(Map.of("REPLICA_ID", "other-replica"));
        try {
            resumesEveryLog(other);
        } finally {
            other.close();
        }
    }

    @Test
    void resumesEveryLogOnTheOtherReplicasStreamListener() {
        viaStreamListener = true;
        Gateway other = startGateway(Map.of("REPLICA_ID", "other-replica"));
        try {
            resumesEveryLog(other);
        } finally {
            other.close();
        }
    }

    @Test
    void topicEventsPublishedWhileTheFanOutReconnectsStillReachTheStream() {
        try (SseClient stream = SseClient.open(stream("/sse/gap?topic=news&topic=room:1"))) {
            stream.next(WAIT);
            for (int i = 0; i < 10; i++) {
                // this replica's pub/sub connection is cut and re-made while events keep being published
                assertThat(TestRedis.shared().command("CLIENT", "KILL", "TYPE", "pubsub"))
                        .startsWith(":");
                publishN(gateway, i % 2 == 0 ? "news" : "room:1", i);
            }
            List<SseClient.Event> events = take(stream, 10);
            assertThat(events)
                    .extracting(TopicsContractTest::origin)
                    .as("every event, once")
                    .containsExactlyInAnyOrder(
                            "news:0",
                            "room:1:1",
                            "news:2",
                            "room:1:3",
                            "news:4",
                            "room:1:5",
                            "news:6",
                            "room:1:7",
                            "news:8",
                            "room:1:9");
            assertThat(events)
                    .extracting(TopicsContractTest::origin)
                    .filteredOn(o -> o.startsWith("news"))
                    .as("in order per topic")
                    .containsExactly("news:0", "news:2", "news:4", "news:6", "news:8");
        }
    }

    @Test
    void topicLogsAndPublishRecordsExpire() {
        assertThat(publish(gateway, "news", "{\"data\":1,\"id\":\"once\"}").status())
                .isEqualTo(202);
        String log = RedisKeys.clientEvents("topic:news");
        assertThat(TestRedis.shared().command("XLEN", log)).isEqualTo(":1");
        assertThat(Long.parseLong(TestRedis.shared().command("PTTL", log).substring(1)))
                .isPositive();
        assertThat(Long.parseLong(TestRedis.shared()
                        .command("PTTL", RedisKeys.publishedId("topic:news", "once"))
                        .substring(1)))
                .isPositive();
    }
}
