package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis at its {@code maxmemory} with {@code noeviction} refuses every write: each publish is a clean 503
 * {@code STATE_FULL}, told apart from an outage's {@code STATE_UNAVAILABLE} (Redis answers: only its expiries or its
 * operator free memory), the replica stays ready, and the log says so once per interval rather than once per request
 * (a line each flooded it).
 */
class RedisFullTest {
    private static final String TOKEN = "admin-token-0123456789abcdef";

    @Test
    void writesRefusedByAFullRedisAreCleanRefusalsLoggedOncePerInterval() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("redis-full-gateway.log");
        try (TestRedis redis = TestRedis.startPrivate();
                McpFunctionStub mcp = McpFunctionStub.start(false);
                GatewayProcess gateway = GatewayProcess.start(
                        "redis-full", Map.of("REDIS_URL", redis.url(), "ADMIN_TOKEN", TOKEN), log)) {
            Http.Answer registered = Http.postJson(
                    gateway.admin("/admin/functions"),
                    "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\"}",
                    TOKEN);
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            assertThat(redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction"))
                    .startsWith("+OK");
            assertThat(redis.command("CONFIG", "SET", "maxmemory", "1")).startsWith("+OK");
            for (int i = 0; i < 50; i++) {
                Http.Answer answer =
                        Http.postJson(gateway.admin("/publish/full"), "{\"data\":{\"n\":" + i + "}}", TOKEN);
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.body())
                        .contains("\"code\":\"STATE_FULL\"")
                        .contains("the state store (Redis) is full (maxmemory) and refuses writes; retry later");
            }
            // an MCP session cannot be stored either: the same message, as a JSON-RPC error
            Http.Answer initialize = Http.send(
                    "POST",
                    gateway.pub("/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            assertThat(initialize.status()).as(initialize.body()).isEqualTo(503);
            assertThat(initialize.body()).contains("-32000").contains("is full (maxmemory)");
            assertThat(Http.get(gateway.admin("/health/ready")).status())
                    .as("Redis answers: the replica is ready")
                    .isEqualTo(200);
            assertThat(gateway.output().lines().filter(l -> l.contains("state store unavailable")))
                    .as(
                            "50 publishes and an initialize refused in a few seconds: a line from each route's log (OOM named)")
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("OOM"));
            redis.command("CONFIG", "SET", "maxmemory", "0");
        }
    }
}
