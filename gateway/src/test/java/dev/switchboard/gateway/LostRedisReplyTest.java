package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.gateway.topic.TopicNames;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis runs what the gateway sends, but its replies are lost on the way back, then the connection drops: the
 * gateway cannot tell whether an async result was stored, so it tries again. Every try reaches Redis; the result
 * is stored once.
 */
class LostRedisReplyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestRedis redis;
    private TcpForwarder network;
    private FunctionServer functions;
    private Gateway gateway;

    @BeforeEach
    void start() {
        redis = TestRedis.startPrivate();
        network = TcpForwarder.start(redis.port());
        functions = FunctionServer.start();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL",
                "redis://127.0.0.1:" + network.port() + "/0",
                "REDIS_TIMEOUT",
                "1s",
                "HEARTBEAT_INTERVAL",
                "200ms")));
    }

    @AfterEach
    void stop() {
        functions.release();
        gateway.close();
        functions.close();
        network.close();
        redis.close();
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private String admin(String path) {
        return "http://127.0.0.1:" + gateway.adminPort() + path;
    }

    @Test
    void anAsyncResultWhoseStoreRepliesWereLostIsStoredOnce() throws Exception {
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"gated\",\"endpoint\":\"" + functions.url("/gated")
                                        + "\",\"timeout\":\"30s\"}")
                        .status())
                .isEqualTo(201);
        // an async result first, so that Redis knows the append script: a lost NOSCRIPT reply would hide the repeats
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                        .status())
                .isEqualTo(201);
        try (SseClient warm = SseClient.open(pub("/sse/warm"))) {
            warm.next(WAIT);
            assertThat(Http.postJson(pub("/invoke/echo"), "{\"payload\":0,\"client_id\":\"warm\",\"async\":true}")
                            .status())
                    .isEqualTo(202);
            assertThat(warm.nextNonHeartbeat(WAIT).type()).isEqualTo("function_response");
        }
        // the function's answer publishes to the topic "gated" and the client "gated" (FunctionServer.GATED_ANSWER)
        String topicLog = RedisKeys.clientEvents(TopicNames.logKey("gated"));
        String clientLog = RedisKeys.clientEvents("gated");
        try (SseClient stream = SseClient.open(pub("/sse/gated"))) {
            stream.next(WAIT);
            assertThat(Http.postJson(pub("/invoke/gated"), "{\"payload\":1,\"client_id\":\"gated\",\"async\":true}")
                            .status())
                    .isEqualTo(202);

            network.swallowAnswers(true);
            functions.release();
            // the first append reached Redis, its reply did not: the gateway repeats the try after REDIS_TIMEOUT (1 s)
            // and 100 ms of back-off, and the repeat reaches Redis too
            await().atMost(WAIT).until(() -> !":0".equals(redis.command("XLEN", topicLog)));
            Thread.sleep(2000);
            network.swallowAnswers(false);
            network.cut();

            SseClient.Event note = stream.nextNonHeartbeat(WAIT);
            assertThat(note.type()).isEqualTo("note");
            SseClient.Event result = stream.nextNonHeartbeat(WAIT);
            assertThat(result.type()).isEqualTo("function_response");
            assertThat(result.data()).contains("\"gated\":true");
            // the tries go on until one is answered (back-off up to 2 s): each log holds one copy throughout
            await("one copy in the topic's log and one of each event in the client's")
                    .during(Duration.ofSeconds(4))
                    .atMost(WAIT)
                    .until(() -> ":1".equals(redis.command("XLEN", topicLog))
                            && ":2".equals(redis.command("XLEN", clientLog)));

            // what told the repeats apart is kept for ASYNC_DELIVERY_TIMEOUT (60 s) and a minute, not the log's hour
            String requestId = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(result.data())
                    .get("request_id")
                    .asText();
            String token = RedisKeys.publishedId("gated", "#" + requestId + ":response");
            assertThat(Long.parseLong(redis.command("PTTL", token).substring(1)))
                    .isBetween(100_000L, 120_000L);
            assertThat(Long.parseLong(redis.command("PTTL", clientLog).substring(1)))
                    .isGreaterThan(3_000_000L);
        }
        String metrics = Http.get(admin("/metrics")).body();
        assertThat(metrics)
                .as("the tries whose replies were lost failed, so there were repeats")
                .doesNotContain("switchboard_redis_errors_total 0.0");
    }
}
