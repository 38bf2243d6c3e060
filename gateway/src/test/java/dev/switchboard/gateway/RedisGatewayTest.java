package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API contract on Redis, plus what only Redis gives: state that survives a gateway restart. */
class RedisGatewayTest extends GatewayContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", TestRedis.shared().url());
    }

    @Override
    void resetStore() {
        TestRedis.shared().flush();
    }

    @Test
    void registrationsAndEventLogsSurviveAGatewayRestart() {
        registerFunction("echo", "/json");
        String firstId;
        try (SseClient client = SseClient.open(pub("/sse/durable"))) {
            firstId = client.next(WAIT).id();
        }
        assertThat(Http.postJson(pub("/invoke/echo"), "{\"payload\":\"kept\",\"client_id\":\"durable\",\"async\":true}")
                        .status())
                .isEqualTo(202);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> TestRedis.shared()
                        .command("XLEN", dev.switchboard.registry.RedisKeys.clientEvents("durable"))
                        .equals(":1"));

        gateway.close();
        gateway = startGateway(Map.of());

        assertThat(Http.get(admin("/admin/functions/echo")).status()).isEqualTo(200);
        assertThat(Http.postJson(pub("/invoke/echo"), "{\"payload\":1}").status())
                .isEqualTo(200);
        try (SseClient resumed = SseClient.open(pub("/sse/durable"), Map.of("Last-Event-ID", firstId))) {
            resumed.next(WAIT);
            SseClient.Event replayed = resumed.nextNonHeartbeat(WAIT);
            assertThat(replayed.type()).isEqualTo("function_response");
            assertThat(json(replayed.data()).get("data").get("received").asText())
                    .isEqualTo("kept");
        }
    }

    @Test
    void gatewaysOfTwoNamespacesOnOneRedisServeOnlyTheirOwnFunctions() {
        registerFunction("echo", "/json");
        try (Gateway teamA = startGateway(Map.of("GATEWAY_NAMESPACE", "team-a"));
                Gateway teamB = startGateway(Map.of("GATEWAY_NAMESPACE", "team-b"));
                dev.switchboard.registry.RedisConnections operator = dev.switchboard.registry.RedisConnections.connect(
                        TestRedis.shared().url(), Duration.ofSeconds(2))) {
            String adminA = "http://127.0.0.1:" + teamA.adminPort();
            Http.Answer created = Http.postJson(
                    adminA + "/admin/functions", "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/text") + "\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("function").get("namespace").asText()).isEqualTo("team-a");

            // same name, three namespaces: each gateway sees its own
            assertThat(Http.get(adminA + "/admin/functions/echo")
                            .json()
                            .get("function")
                            .get("endpoint")
                            .asText())
                    .isEqualTo(functions.url("/text"));
            assertThat(Http.get(admin("/admin/functions/echo"))
                            .json()
                            .get("function")
                            .get("endpoint")
                            .asText())
                    .isEqualTo(functions.url("/json"));
            assertThat(Http.get(admin("/admin/functions/echo"))
                            .json()
                            .get("function")
                            .has("namespace"))
                    .isFalse();
            assertThat(Http.get("http://127.0.0.1:" + teamB.adminPort() + "/admin/functions")
                            .json()
                            .get("count")
                            .asInt())
                    .isZero();
            Http.Answer elsewhere =
                    Http.postJson("http://127.0.0.1:" + teamB.port() + "/invoke/echo", "{\"payload\":1}");
            assertThat(elsewhere.status()).isEqualTo(404);
            assertThat(elsewhere.json().get("code").asText()).isEqualTo("FUNCTION_NOT_FOUND");
            assertThat(Http.postJson("http://127.0.0.1:" + teamA.port() + "/invoke/echo", "{\"payload\":1}")
                            .status())
                    .isEqualTo(200);
            assertThat(functions.lastHeaders("/text")).isNotNull();
            assertThat(Http.get(adminA + "/metrics").body())
                    .contains(
                            "switchboard_invocation_duration_seconds_count{function=\"echo\",gateway_namespace=\"team-a\","
                                    + "outcome=\"success\"} 1");

            // what the operator writes into team b's namespace reaches team b's gateway, and only it
            var written = dev.switchboard.registry.RegistrationValidator.validate(
                            json("{\"name\":\"search\",\"endpoint\":\"" + functions.url("/json") + "\"}"),
                            java.time.Instant.EPOCH)
                    .withOwner(new dev.switchboard.registry.RegistrationOwner("uid-1", "gw"));
            new dev.switchboard.registry.RedisFunctionStore(operator, java.time.Clock.systemUTC())
                    .inNamespace("team-b")
                    .upsert(written);
            org.awaitility.Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> Http.postJson("http://127.0.0.1:" + teamB.port() + "/invoke/search", "{\"payload\":1}")
                                    .status()
                            == 200);
            assertThat(Http.postJson("http://127.0.0.1:" + teamA.port() + "/invoke/search", "{\"payload\":1}")
                            .status())
                    .isEqualTo(404);
            assertThat(Http.postJson(pub("/invoke/search"), "{\"payload\":1}").status())
                    .isEqualTo(404);

            // deleting team a's echo leaves the default namespace's
            assertThat(Http.delete(adminA + "/admin/functions/echo").status()).isEqualTo(200);
            assertThat(Http.postJson(pub("/invoke/echo"), "{\"payload\":1}").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void boundsTheEventLogInRedis() {
        gateway.close();
        gateway = startGateway(Map.of("EVENT_LOG_MAX_LENGTH", "3"));
        registerFunction("echo", "/json");
        for (int i = 0; i < 6; i++) {
            Http.postJson(pub("/invoke/echo"), "{\"payload\":" + i + ",\"client_id\":\"bounded\",\"async\":true}");
        }
        String key = dev.switchboard.registry.RedisKeys.clientEvents("bounded");
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> Http.get(admin("/metrics"))
                                .body()
                                .contains(
                                        "switchboard_invocation_duration_seconds_count{function=\"echo\",outcome=\"success\"} 6"));
        assertThat(TestRedis.shared().command("XLEN", key)).isEqualTo(":3");
        assertThat(Long.parseLong(TestRedis.shared().command("PTTL", key).substring(1)))
                .isPositive();
    }

    @Test
    void eventsPublishedWhileTheFanOutReconnectsStillReachTheStream() {
        try (SseClient stream = SseClient.open(pub("/sse/gap"));
                dev.switchboard.registry.RedisConnections other = dev.switchboard.registry.RedisConnections.connect(
                        TestRedis.shared().url(), Duration.ofSeconds(2))) {
            stream.next(WAIT);
            // another replica keeps publishing while this one's pub/sub connection is cut and re-made
            var publisher = new dev.switchboard.gateway.state.RedisStateStore(
                    other,
                    java.time.Clock.systemUTC(),
                    "other-replica",
                    1000,
                    Duration.ofHours(1),
                    Duration.ofMinutes(30));
            for (int i = 0; i < 10; i++) {
                assertThat(TestRedis.shared().command("CLIENT", "KILL", "TYPE", "pubsub"))
                        .startsWith(":");
                publisher.publish("gap", "function_response", "{\"n\":" + i + "}");
            }
            List<SseClient.Event> events = stream.collect("function_response", 10, WAIT);
            assertThat(events)
                    .extracting(e -> json(e.data()).get("n").asInt())
                    .as("every event, once, in order")
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }
}
