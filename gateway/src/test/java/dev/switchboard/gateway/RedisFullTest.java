package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis at its {@code maxmemory} with {@code noeviction} refuses every write: each publish is a clean 503
 * {@code STATE_UNAVAILABLE}, the replica stays ready (Redis answers), and the log says so once per interval rather
 * than once per request (a line each flooded it).
 */
class RedisFullTest {
    private static final String TOKEN = "admin-token-0123456789abcdef";

    @Test
    void writesRefusedByAFullRedisAreCleanRefusalsLoggedOncePerInterval() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("redis-full-gateway.log");
        try (TestRedis redis = TestRedis.startPrivate();
                GatewayProcess gateway = GatewayProcess.start(
                        "redis-full", Map.of("REDIS_URL", redis.url(), "ADMIN_TOKEN", TOKEN), log)) {
            assertThat(redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction"))
                    .startsWith("+OK");
            assertThat(redis.command("CONFIG", "SET", "maxmemory", "1")).startsWith("+OK");
            for (int i = 0; i < 50; i++) {
                Http.Answer answer =
                        Http.postJson(gateway.admin("/publish/full"), "{\"data\":{\"n\":" + i + "}}", TOKEN);
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.body()).contains("\"code\":\"STATE_UNAVAILABLE\"");
            }
            assertThat(Http.get(gateway.admin("/health/ready")).status())
                    .as("Redis answers: the replica is ready")
                    .isEqualTo(200);
            assertThat(gateway.output().lines().filter(l -> l.contains("state store unavailable")))
                    .as("50 refusals in a few seconds, one line (OOM named)")
                    .singleElement()
                    .satisfies(l -> assertThat(l).contains("OOM"));
            redis.command("CONFIG", "SET", "maxmemory", "0");
        }
    }
}
