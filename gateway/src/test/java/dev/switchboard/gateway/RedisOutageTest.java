package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped under a running gateway and started again: open streams keep heartbeating, work that
 * needs Redis gets a quick 503, readiness follows Redis, and everything resumes without a restart.
 */
class RedisOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestRedis redis;
    private FunctionServer functions;
    private Gateway gateway;

    @BeforeEach
    void start() {
        redis = TestRedis.startPrivate();
        functions = FunctionServer.start();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL", redis.url(), "REDIS_TIMEOUT", "500ms", "HEARTBEAT_INTERVAL", "200ms")));
    }

    @AfterEach
    void stop() {
        gateway.close();
        functions.close();
        redis.close();
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private String admin(String path) {
        return "http://127.0.0.1:" + gateway.adminPort() + path;
    }

    @Test
    void survivesARedisOutage() {
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"mirror\",\"endpoint\":\"" + functions.url("/mirror") + "\"}")
                        .status())
                .isEqualTo(201);
        try (SseClient stream = SseClient.open(pub("/sse/steady"))) {
            stream.next(WAIT);

            redis.stop();

            await().atMost(WAIT).until(() -> Http.get(admin("/health/ready")).status() == 503);
            Http.Answer health = Http.get(admin("/admin/health"));
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("unhealthy");
            assertThat(health.json().get("state_store").get("status").asText()).isEqualTo("down");

            long start = System.nanoTime();
            Http.Answer refused = Http.postJson(
                    admin("/admin/functions"), "{\"name\":\"other\",\"endpoint\":\"" + functions.url("/json") + "\"}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("code").asText()).isEqualTo("STATE_UNAVAILABLE");
            Http.Answer newStream = Http.get(pub("/sse/newcomer"));
            assertThat(newStream.status()).isEqualTo(503);
            assertThat(newStream.json().get("code").asText()).isEqualTo("STATE_UNAVAILABLE");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("refusals are quick")
                    .isLessThan(WAIT);

            Http.Answer async =
                    Http.postJson(pub("/invoke/echo"), "{\"payload\":1,\"client_id\":\"steady\",\"async\":true}");
            assertThat(async.status())
                    .as("an async result could not be delivered")
                    .isEqualTo(503);
            assertThat(async.json().get("code").asText()).isEqualTo("STATE_UNAVAILABLE");

            // the open stream keeps heartbeating, and lookups come from the cache
            assertThat(stream.collect("heartbeat", 3, WAIT)).hasSize(3);
            assertThat(Http.postJson(pub("/invoke/echo"), "{\"payload\":1}").status())
                    .isEqualTo(200);
            // a sync answer that publishes needs the store: the function ran, so the refusal names the call
            Http.Answer publishing = Http.postJson(
                    pub("/invoke/mirror"),
                    "{\"payload\":{\"switchboard\":{\"publish\":[{\"client_id\":\"steady\",\"data\":1}]}}}");
            assertThat(publishing.status()).isEqualTo(503);
            assertThat(publishing.json().get("code").asText()).isEqualTo("STATE_UNAVAILABLE");
            assertThat(publishing.json().get("request_id").asText()).isNotBlank();
            assertThat(publishing.json().get("error").asText()).contains("the function answered");

            redis.start();

            await().atMost(WAIT).until(() -> Http.get(admin("/health/ready")).status() == 200);
            assertThat(Http.postJson(
                                    admin("/admin/functions"),
                                    "{\"name\":\"other\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                            .status())
                    .isEqualTo(201);
            // pub/sub resubscribed: an async result reaches the stream opened before the outage
            await().atMost(WAIT)
                    .until(() -> Http.postJson(
                                            pub("/invoke/echo"),
                                            "{\"payload\":\"after\",\"client_id\":\"steady\",\"async\":true}")
                                    .status()
                            == 202);
            SseClient.Event result = stream.nextNonHeartbeat(WAIT);
            assertThat(result.type()).isEqualTo("function_response");
            assertThat(result.data()).contains("\"after\"");
        }
        String metrics = Http.get(admin("/metrics")).body();
        assertThat(metrics).doesNotContain("switchboard_redis_errors_total 0.0");
    }

    @Test
    void anAcceptedAsyncResultWaitsOutAnOutageAndIsDelivered() {
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"slow\",\"endpoint\":\"" + functions.url("/slow")
                                        + "\",\"timeout\":\"10s\"}")
                        .status())
                .isEqualTo(201);
        try (SseClient stream = SseClient.open(pub("/sse/patient"))) {
            stream.next(WAIT);
            // accepted while Redis is up; the function answers after 3 s, while Redis is down
            assertThat(Http.postJson(
                                    pub("/invoke/slow"),
                                    "{\"payload\":1,\"client_id\":\"patient\"," + "\"async\":true}")
                            .status())
                    .isEqualTo(202);
            redis.stop();
            try {
                Thread.sleep(4500);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            redis.start();
            SseClient.Event result = stream.nextNonHeartbeat(WAIT);
            assertThat(result.type()).isEqualTo("function_response");
            assertThat(result.data()).contains("\"late\":true");
        }
    }
}
