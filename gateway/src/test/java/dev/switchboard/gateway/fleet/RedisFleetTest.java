package dev.switchboard.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fleet on one standalone Redis, plus that Redis killed and restarted under load. */
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
