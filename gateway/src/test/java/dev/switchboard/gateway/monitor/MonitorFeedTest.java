package dev.switchboard.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The monitoring page's contract over HTTP: its files load without a token under a strict CSP, its feed needs
 * the admin token, streams {@code fleet} events, is limited per replica, ends when the gateway stops, and with
 * two replicas on one Redis shows both until one stops (read from one hash, no scan).
 */
class MonitorFeedTest {
    private static final String TOKEN = "monitor-feed-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);

    private static Gateway start(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(
                TestGateways.local("ADMIN_TOKEN", TOKEN, "MONITOR_INTERVAL", "200ms", "HEARTBEAT_INTERVAL", "1s"));
        settings.putAll(extra);
        return Gateway.start(GatewayConfig.from(settings));
    }

    private static String admin(Gateway g, String path) {
        return "http://127.0.0.1:" + g.adminPort() + path;
    }

    private static JsonNode fleet(SseClient feed) throws Exception {
        SseClient.Event event = feed.next(WAIT);
        assertThat(event.type()).isEqualTo("fleet");
        return new ObjectMapper().readTree(event.data());
    }

    @Test
    void thePageLoadsWithoutATokenAndItsFeedNeedsOne() throws Exception {
        try (Gateway g = start(Map.of())) {
            Http.Answer page = Http.get(admin(g, "/admin/ui"));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("default-src 'none'", "connect-src 'self'", "script-src 'self'");
            assertThat(page.body()).contains("/admin/ui/monitor.js").doesNotContain("http://", "https://");
            assertThat(Http.get(admin(g, "/admin/ui/monitor.js")).body())
                    .contains("sessionStorage", "Authorization")
                    .doesNotContain("EventSource(");
            assertThat(Http.get(admin(g, "/admin/ui/monitor.css")).status()).isEqualTo(200);

            Http.Answer anonymous = Http.get(admin(g, "/admin/ui/feed"));
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
            Http.Answer wrong = Http.send(
                    "GET", admin(g, "/admin/ui/feed"), null, Map.of("Authorization", "Bearer wrong-token-0123456789"));
            assertThat(wrong.status()).isEqualTo(401);

            try (SseClient feed = SseClient.open(admin(g, "/admin/ui/feed"), AUTH)) {
                assertThat(feed.status()).isEqualTo(200);
                assertThat(feed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                JsonNode first = fleet(feed);
                assertThat(first.get("served_by").asText()).isEqualTo(g.config().replicaId());
                assertThat(first.get("totals").get("replicas").asInt()).isEqualTo(1);
                assertThat(first.get("replicas").get(0).get("store").asText()).isEqualTo("memory");
                // the wrong token just presented is among the recent problems, by code and path
                await().atMost(WAIT)
                        .until(() -> fleet(feed)
                                .get("problems")
                                .toString()
                                .contains("\"code\":\"UNAUTHORIZED\",\"status\":401,\"where\":\"/admin/ui/feed\""));
                // an error of a service registered under a prefix is where it happened, prefix and all
                assertThat(Http.send("GET", admin(g, "/admin/functions/nope"), null, AUTH)
                                .status())
                        .isEqualTo(404);
                await().atMost(WAIT)
                        .until(() -> fleet(feed)
                                .get("problems")
                                .toString()
                                .contains("\"code\":\"FUNCTION_NOT_FOUND\",\"status\":404,"
                                        + "\"where\":\"/admin/functions/nope\""));
                try (SseClient stream = SseClient.open("http://127.0.0.1:" + g.port() + "/sse/seen")) {
                    stream.next(WAIT);
                    await().atMost(WAIT)
                            .until(() ->
                                    fleet(feed).get("totals").get("streams").asInt() == 1);
                }
                await().atMost(WAIT)
                        .until(() -> fleet(feed).get("totals").get("streams").asInt() == 0);
            }
        }
    }

    @Test
    void feedsAreLimitedPerReplicaAndEndWhenTheGatewayStops() throws Exception {
        Gateway g = start(Map.of("MONITOR_MAX_FEEDS", "1"));
        try (SseClient first = SseClient.open(admin(g, "/admin/ui/feed"), AUTH)) {
            fleet(first);
            Http.Answer second = Http.send("GET", admin(g, "/admin/ui/feed"), null, AUTH);
            assertThat(second.status()).isEqualTo(429);
            assertThat(second.json().get("code").asText()).isEqualTo("TOO_MANY_FEEDS");
            g.close();
            assertThat(first.awaitEnd(WAIT))
                    .as("the feed ends with the gateway")
                    .isTrue();
        } finally {
            g.close();
        }
    }

    @Test
    void twoReplicasOnOneRedisShowTheFleetUntilOneStops() throws Exception {
        TestRedis.shared().flush();
        String redis = TestRedis.shared().url();
        try (Gateway a = start(Map.of("REDIS_URL", redis, "REPLICA_ID", "feed-a"));
                SseClient feed = SseClient.open(admin(a, "/admin/ui/feed"), AUTH)) {
            Gateway b = start(Map.of("REDIS_URL", redis, "REPLICA_ID", "feed-b"));
            try (SseClient onB = SseClient.open("http://127.0.0.1:" + b.port() + "/sse/on-b")) {
                onB.next(WAIT);
                await().atMost(WAIT).until(() -> {
                    JsonNode fleet = fleet(feed);
                    return fleet.get("totals").get("replicas").asInt() == 2
                            && fleet.get("totals").get("streams").asInt() == 1;
                });
                assertThat(TestRedis.shared().command("HLEN", RedisKeys.REPLICA_SNAPSHOTS))
                        .isEqualTo(":2");
                long bytes = Long.parseLong(TestRedis.shared()
                        .command("HSTRLEN", RedisKeys.REPLICA_SNAPSHOTS, "feed-a")
                        .substring(1));
                assertThat(bytes).as("one replica's snapshot").isBetween(200L, 4_000L);
            } finally {
                b.close();
            }
            // a stopped replica takes its snapshot along at once
            await().atMost(WAIT)
                    .until(() -> fleet(feed).get("totals").get("replicas").asInt() == 1);
            assertThat(TestRedis.shared().command("HLEN", RedisKeys.REPLICA_SNAPSHOTS))
                    .isEqualTo(":1");
        }
    }
}
