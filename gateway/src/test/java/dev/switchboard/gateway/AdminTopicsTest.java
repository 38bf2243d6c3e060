package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence over real sockets: {@code GET /admin/topics} and {@code /admin/topics/{topic}} count a topic's
 * subscribers across two replicas on one Redis and say which replica holds them, follow streams as they come and
 * go, forget a stopped replica's, rebuild what Redis lost, and the gauge {@code switchboard_topics_subscribed}
 * counts this replica's topics. Also the in-memory store (one replica) and the errors.
 */
class AdminTopicsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "admin-token-0123456789abcdef";

    private final List<AutoCloseable> parts = new ArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                // the others still close
            }
        }
    }

    private Gateway replica(String id, boolean redis) {
        Map<String, String> values = new HashMap<>(TestGateways.local(
                "REPLICA_ID",
                id,
                "ADMIN_TOKEN",
                TOKEN,
                // a stream the client closed is noticed at its next write: heartbeats often
                "HEARTBEAT_INTERVAL",
                "300ms"));
        if (redis) {
            values.put("REDIS_URL", TestRedis.shared().url());
        }
        Gateway gateway = Gateway.start(GatewayConfig.from(values));
        parts.add(gateway);
        return gateway;
    }

    private SseClient follow(Gateway on, String path) {
        SseClient stream = SseClient.open("http://127.0.0.1:" + on.port() + path);
        parts.add(stream);
        assertThat(stream.next(WAIT).type()).isEqualTo("connected");
        return stream;
    }

    private static Http.Answer admin(Gateway on, String path) {
        return Http.send(
                "GET", "http://127.0.0.1:" + on.adminPort() + path, null, Map.of("Authorization", "Bearer " + TOKEN));
    }

    private static JsonNode json(Http.Answer answer) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return MAPPER.readTree(answer.body());
    }

    /** @return topic to its {@code replicas} object, as {@code /admin/topics} answers */
    private static Map<String, JsonNode> listed(Gateway on) throws Exception {
        Map<String, JsonNode> topics = new HashMap<>();
        json(admin(on, "/admin/topics"))
                .get("topics")
                .forEach(t -> topics.put(t.get("topic").asText(), t));
        return topics;
    }

    @Test
    void subscribersPerTopicAcrossTwoReplicas() throws Exception {
        TestRedis.shared().flush();
        Gateway one = replica("replica-1", true);
        Gateway two = replica("replica-2", true);
        SseClient a = follow(one, "/sse/a?topic=room.1&topic=news");
        SseClient b = follow(one, "/sse/b?topic=room.1");
        SseClient c = follow(two, "/sse/c?topic=room.1");
        follow(two, "/sse/d");

        JsonNode all = json(admin(two, "/admin/topics"));
        assertThat(all.get("count").asInt()).isEqualTo(2);
        assertThat(all.get("subscribers").asInt())
                .as("streams per topic, summed")
                .isEqualTo(4);
        Map<String, JsonNode> topics = listed(two);
        assertThat(topics.get("room.1").get("subscribers").asInt()).isEqualTo(3);
        assertThat(topics.get("room.1").get("replicas"))
                .isEqualTo(MAPPER.readTree("{\"replica-1\":2,\"replica-2\":1}"));
        assertThat(topics.get("news").get("replicas")).isEqualTo(MAPPER.readTree("{\"replica-1\":1}"));

        JsonNode room = json(admin(one, "/admin/topics/room.1"));
        assertThat(room.get("topic").asText()).isEqualTo("room.1");
        assertThat(room.get("subscribers").asInt()).isEqualTo(3);
        assertThat(room.get("replica").asText()).as("the replica answering").isEqualTo("replica-1");

        JsonNode connections = json(admin(one, "/admin/connections"));
        Map<String, JsonNode> byClient = new HashMap<>();
        connections
                .get("connections")
                .forEach(conn -> byClient.put(conn.get("client_id").asText(), conn));
        assertThat(byClient.get("a").get("topics")).isEqualTo(MAPPER.readTree("[\"room.1\",\"news\"]"));
        assertThat(byClient.get("d").has("topics"))
                .as("a plain stream's record is unchanged")
                .isFalse();

        assertThat(gauge(one)).isEqualTo(2);
        assertThat(gauge(two)).isEqualTo(1);

        b.close();
        c.close();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                json(admin(two, "/admin/topics/room.1")).get("replicas"))
                        .isEqualTo(MAPPER.readTree("{\"replica-1\":1}")));
        await().atMost(WAIT).until(() -> gauge(two) == 0);
        a.close();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                json(admin(two, "/admin/topics")).get("count").asInt())
                        .isZero());
        assertThat(TestRedis.shared().command("EXISTS", RedisKeys.replicaTopics("replica-1")))
                .as("the bookkeeping is freed with the last subscriber")
                .isEqualTo(":0");
    }

    @Test
    void aStoppedReplicasSubscribersLeaveAndLostCountsAreRebuilt() throws Exception {
        TestRedis.shared().flush();
        Gateway one = replica("replica-1", true);
        Gateway two = replica("replica-2", true);
        follow(one, "/sse/a?topic=room.2");
        follow(two, "/sse/b?topic=room.2");
        assertThat(json(admin(one, "/admin/topics/room.2")).get("subscribers").asInt())
                .isEqualTo(2);

        two.close();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                json(admin(one, "/admin/topics/room.2")).get("replicas"))
                        .isEqualTo(MAPPER.readTree("{\"replica-1\":1}")));

        // Redis loses everything (a restart without persistence): the next directory refresh (every 10 s)
        // writes this replica's counts again from its own streams
        TestRedis.shared().flush();
        assertThat(json(admin(one, "/admin/topics")).get("count").asInt()).isZero();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(
                                json(admin(one, "/admin/topics/room.2")).get("replicas"))
                        .isEqualTo(MAPPER.readTree("{\"replica-1\":1}")));
    }

    @Test
    void theInMemoryStoreCountsItsOwnStreams() throws Exception {
        Gateway alone = replica("alone", false);
        follow(alone, "/sse/a?topic=news");
        follow(alone, "/sse/b?topic=news&topic=room.3");
        JsonNode news = json(admin(alone, "/admin/topics/news"));
        assertThat(news.get("subscribers").asInt()).isEqualTo(2);
        assertThat(news.get("replicas")).isEqualTo(MAPPER.readTree("{\"alone\":2}"));
        assertThat(json(admin(alone, "/admin/topics")).get("count").asInt()).isEqualTo(2);
        assertThat(gauge(alone)).isEqualTo(2);
    }

    @Test
    void badNamesAreRefusedUnknownTopicsHaveNoSubscribersAndTheTokenIsRequired() throws Exception {
        Gateway alone = replica("alone", false);
        Http.Answer bad = admin(alone, "/admin/topics/room%20one");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(MAPPER.readTree(bad.body()).get("code").asText()).isEqualTo("INVALID_TOPIC");
        JsonNode nobody = json(admin(alone, "/admin/topics/nobody.here"));
        assertThat(nobody.get("subscribers").asInt()).isZero();
        assertThat(nobody.get("replicas").isEmpty()).isTrue();
        for (String path : new String[] {"/admin/topics", "/admin/topics/news"}) {
            Http.Answer anonymous = Http.get("http://127.0.0.1:" + alone.adminPort() + path);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
        }
    }

    private static int gauge(Gateway on) {
        String metrics =
                Http.get("http://127.0.0.1:" + on.adminPort() + "/metrics").body();
        return metrics.lines()
                .filter(line -> line.startsWith("switchboard_topics_subscribed "))
                .map(line -> (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no switchboard_topics_subscribed gauge"));
    }
}
