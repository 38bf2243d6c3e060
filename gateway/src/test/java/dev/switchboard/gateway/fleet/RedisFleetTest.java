package dev.switchboard.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fleet on one standalone Redis, plus that Redis killed and restarted under load, and a killed replica's work finished by the others. */
class RedisFleetTest extends FleetTest {
    @Override
    String redisUrl() {
        return TestRedis.shared().url();
    }

    @Override
    void flushRedis() {
        TestRedis.shared().flush();
    }

    @Override
    long eventLogLength(String clientId) {
        return Long.parseLong(TestRedis.shared()
                .command("XLEN", RedisKeys.clientEvents(clientId))
                .substring(1));
    }

    /**
     * What a killed replica had started and could not finish: an accepted async call (its client waits for a result),
     * an HTTP+SSE session (it cannot outlive its stream) and a request posted to another HTTP+SSE session (its answer
     * was to go to a stream held elsewhere). The others finish all three.
     */
    @Test
    void theWorkOfAKilledReplicaIsFinishedByTheOthers() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        assertThat(Http.postJson(
                                a.admin("/admin/functions"),
                                "{\"name\":\"slow\",\"endpoint\":\"" + functions.url("/slow") + "\"}")
                        .status())
                .isEqualTo(201);
        try (McpFunctionStub mcp = McpFunctionStub.start(true);
                SseClient waiting = SseClient.open(b.pub("/sse/waiting"))) {
            registerTools(a, b, mcp, "30s");
            await().atMost(WAIT)
                    .until(() -> Http.get(b.admin("/admin/functions/slow")).status() == 200);
            waiting.next(WAIT);
            // a session whose stream B holds, and a request of it that A answers 202
            SseClient onB = SseClient.open(b.pub("/mcp/tools/sse"));
            String pathOnB = onB.next(WAIT).data();
            initializeLegacy(b, pathOnB, onB);
            String path;
            String requestId;
            try (SseClient stream = SseClient.open(a.pub("/mcp/tools/sse"))) {
                path = stream.next(WAIT).data();
                initializeLegacy(b, path, stream);
                // the stub's slow tool answers after 5 s, the function below after 3 s: A dies first, having stored
                // nothing of either
                Http.Answer call = Http.postJson(a.pub(pathOnB), slowCall(7));
                assertThat(call.status()).as(call.body()).isEqualTo(202);
                Http.Answer accepted = Http.postJson(
                        a.pub("/invoke/slow"), "{\"payload\":1,\"client_id\":\"waiting\",\"async\":true}");
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
                requestId = accepted.json().get("request_id").asText();
                a.kill();
            }
            String sessionId = path.substring(path.indexOf("sessionId=") + "sessionId=".length());
            assertThat(Http.get(b.admin("/admin/sessions")).body()).contains(sessionId);

            // A's presence key expires 30 s after A last set it: gone at once here; the fleet then finishes A's
            // work at its second sweep (10 s apart) to find A still missing
            TestRedis.shared().command("DEL", RedisKeys.replicaAlive("replica-a"));

            SseClient.Event lost = waiting.nextWithData(requestId, Duration.ofSeconds(30));
            SseClient.Event lostCall = onB.nextWithData("\"error\"", WAIT);
            assertThat(json(lostCall.data()).get("id").asInt()).isEqualTo(7);
            assertThat(json(lostCall.data()).at("/error/code").asInt()).isEqualTo(-32000);
            assertThat(json(lostCall.data()).at("/error/message").asText()).contains("stopped before it was answered");
            assertThat(Metrics.read(b.admin("/metrics"), "switchboard_mcp_calls_lost_total"))
                    .isEqualTo(1.0);
            onB.close();
            assertThat(lost.type()).isEqualTo("function_response");
            assertThat(json(lost.data()).get("code").asText()).isEqualTo("CALL_LOST");
            assertThat(json(lost.data()).get("success").asBoolean()).isFalse();
            assertThat(Metrics.read(b.admin("/metrics"), "switchboard_invocations_lost_total"))
                    .isEqualTo(1.0);

            await().atMost(WAIT)
                    .until(() -> Http.postJson(b.pub(path), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}")
                                    .status()
                            == 404);
            assertThat(Http.get(b.admin("/admin/sessions")).body()).doesNotContain(sessionId);
            await().atMost(WAIT)
                    .alias("the stateful function's own session is ended too")
                    .until(() -> mcp.received().stream()
                            .anyMatch(r -> "DELETE".equals(r.httpMethod())
                                    && "backend-session-1".equals(r.headers().getFirst("Mcp-Session-Id"))));
        }
    }

    /** Initializes an HTTP+SSE session through {@code via}, its answer read on its stream. */
    private static void initializeLegacy(GatewayProcess via, String path, SseClient stream) {
        Http.Answer posted = Http.postJson(
                via.pub(path),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        assertThat(stream.next(WAIT).data()).contains("\"serverInfo\"");
    }

    @Test
    void theFleetRidesOutRedisBeingKilledUnderLoad() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate()) {
            GatewayProcess a = replica("replica-a", redis.url());
            GatewayProcess b = replica("replica-b", redis.url());
            assertThat(Http.postJson(
                                    a.admin("/admin/functions"),
                                    "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                            .status())
                    .isEqualTo(201);
            await().atMost(WAIT)
                    .until(() -> Http.postJson(b.pub("/invoke/echo"), "{\"payload\":0}")
                                    .status()
                            == 200);

            try (SseClient onA = SseClient.open(a.pub("/sse/steady"))) {
                onA.next(WAIT);
                // load on B throughout: async calls for A's client, bounded in count and time
                Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
                AtomicLong slowest = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                Thread load = Thread.ofVirtual().start(() -> {
                    long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                    for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < until; i++) {
                        long start = System.nanoTime();
                        int status = Http.postJson(
                                        b.pub("/invoke/echo"),
                                        "{\"payload\":" + i + ",\"client_id\":\"steady\",\"async\":true}")
                                .status();
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    }
                });
                await().atMost(WAIT).until(() -> statuses.containsKey(202));

                redis.stop();
                await().atMost(WAIT)
                        .until(() -> Http.get(a.admin("/health/ready")).status() == 503
                                && Http.get(b.admin("/health/ready")).status() == 503);
                await().atMost(WAIT).until(() -> statuses.containsKey(503));
                assertThat(onA.collect("heartbeat", 2, WAIT))
                        .as("A's stream keeps beating")
                        .hasSize(2);

                redis.start();
                await().atMost(WAIT)
                        .until(() -> Http.get(a.admin("/health/ready")).status() == 200
                                && Http.get(b.admin("/health/ready")).status() == 200);
                stop.set(true);
                load.join(WAIT.toMillis());
                assertThat(statuses.keySet())
                        .as("every answer was accepted or a clean 503")
                        .containsOnly(202, 503);
                assertThat(Duration.ofNanos(slowest.get()))
                        .as("no request hung")
                        .isLessThan(Duration.ofSeconds(5));

                // this Redis keeps nothing: the registration is gone from it, but the replicas' catalogs still
                // know the function; new work posted on B reaches A's stream again (pub/sub resubscribed)
                await().atMost(WAIT)
                        .until(() -> Http.postJson(
                                                b.pub("/invoke/echo"),
                                                "{\"payload\":\"after\",\"client_id\":\"steady\",\"async\":true}")
                                        .status()
                                == 202);
                SseClient.Event after;
                do {
                    after = onA.nextNonHeartbeat(WAIT);
                } while (!after.data().contains("\"after\""));
                assertThat(after.type()).isEqualTo("function_response");
                // the restarted Redis lost the connection directory: A records its stream again
                await().atMost(Duration.ofSeconds(25))
                        .until(() -> Http.get(b.admin("/admin/connections"))
                                .json()
                                .get("connections")
                                .findValuesAsText("client_id")
                                .contains("steady"));
            }
        }
    }
}
