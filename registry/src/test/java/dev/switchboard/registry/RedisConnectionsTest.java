package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestRedis;
import dev.switchboard.testing.TestRedisCluster;
import dev.switchboard.testing.TestRedisSentinel;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisConnectionsTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void connectingToAClosedPortFailsQuicklyNamingTheAddress() {
        int port = TestRedis.freePort();
        long start = System.nanoTime();

        assertThatThrownBy(() -> RedisConnections.connect("redis://127.0.0.1:" + port + "/0", COMMAND_TIMEOUT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1")
                .hasMessageContaining(String.valueOf(port));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void connectsAndRunsCommands() {
        TestRedis.shared().flush();
        try (RedisConnections redis =
                RedisConnections.connect(TestRedis.shared().url(), COMMAND_TIMEOUT)) {
            RedisConnections.call("set", () -> redis.sync().set("switchboard:test:k", "v"));
            assertThat(RedisConnections.call("get", () -> redis.sync().get("switchboard:test:k")))
                    .isEqualTo("v");
            assertThat(redis.displayUrl())
                    .contains(TestRedis.shared().host())
                    .contains(String.valueOf(TestRedis.shared().port()));
        }
    }

    @Test
    void commandsAreRejectedDuringAnOutageAndSucceedAfterIt() throws Exception {
        try (TestRedis server = TestRedis.startPrivate();
                RedisConnections redis = RedisConnections.connect(server.url(), COMMAND_TIMEOUT)) {
            assertThat(RedisConnections.call("ping", () -> redis.sync().ping())).isEqualTo("PONG");

            server.stop();
            long stoppedAt = System.nanoTime();
            StoreUnavailableException failure = null;
            while (failure == null
                    && System.nanoTime() - stoppedAt < Duration.ofSeconds(3).toNanos()) {
                try {
                    RedisConnections.call("ping", () -> redis.sync().ping());
                    Thread.sleep(20);
                } catch (StoreUnavailableException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("a command failed within 3s of the outage").isNotNull();
            assertThat(failure).hasMessageContaining("Redis unavailable while trying to ping");
            // while still disconnected, commands fail at once rather than waiting for the command timeout
            long before = System.nanoTime();
            assertThatThrownBy(() ->
                            RedisConnections.call("get", () -> redis.sync().get("k")))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(COMMAND_TIMEOUT);

            server.start();
            long restartedAt = System.nanoTime();
            String pong = null;
            while (pong == null
                    && System.nanoTime() - restartedAt < Duration.ofSeconds(10).toNanos()) {
                try {
                    pong = RedisConnections.call("ping", () -> redis.sync().ping());
                } catch (StoreUnavailableException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(pong)
                    .as("commands succeed again within 10s of the restart")
                    .isEqualTo("PONG");
            RedisConnections.call("set", () -> redis.sync().set("k", "after"));
            assertThat(server.command("EXISTS", "k")).isEqualTo(":1");
        }
    }

    @Test
    void displayUrlLeavesThePasswordOut() {
        String shown = RedisConnections.redact(RedisURI.create("redis://:secret@127.0.0.1:1/0"));

        assertThat(shown).doesNotContain("secret").contains("127.0.0.1");
        assertThat(RedisConnections.redact(RedisURI.create("redis://alice:secret@127.0.0.1:1/0")))
                .doesNotContain("secret");
    }

    @Test
    void connectionFailureMessageLeavesThePasswordOut() {
        int port = TestRedis.freePort();
        assertThatThrownBy(() -> RedisConnections.connect("redis://:hunter2@127.0.0.1:" + port + "/0", COMMAND_TIMEOUT))
                .isInstanceOf(StoreUnavailableException.class)
                .message()
                .doesNotContain("hunter2");
    }

    @Test
    void connectsToARedisClusterAndRoutesCommandsBySlot() {
        TestRedisCluster cluster = TestRedisCluster.shared().orElse(null);
        assumeTrue(cluster != null, "redis-server and redis-cli are not on PATH");
        cluster.flush();
        try (RedisConnections redis = RedisConnections.connect(cluster.url(), COMMAND_TIMEOUT)) {
            // keys spread over the three masters: every one is written, read back and found by SCAN
            for (int i = 0; i < 50; i++) {
                int n = i;
                RedisConnections.call("set", () -> redis.sync().set("switchboard:test:" + n, "v" + n));
            }
            assertThat(RedisConnections.call("get", () -> redis.sync().get("switchboard:test:42")))
                    .isEqualTo("v42");
            java.util.Set<String> seen = new java.util.HashSet<>();
            // the project's one SCAN walk, in batches of 7, across the cluster's nodes
            RedisConnections.call("scan", () -> RedisScan.keys(redis, "switchboard:test:*", 7, seen::add));
            assertThat(seen).hasSize(50);
            assertThat(redis.displayUrl()).startsWith("cluster[");
        }
    }

    @Test
    void findsTheMasterThroughRedisSentinel() {
        try (TestRedis master = TestRedis.startPrivate()) {
            TestRedisSentinel sentinel = TestRedisSentinel.start(master).orElse(null);
            assumeTrue(sentinel != null, "redis-server is not on PATH");
            try (sentinel;
                    RedisConnections redis = RedisConnections.connect(sentinel.url(), COMMAND_TIMEOUT)) {
                RedisConnections.call("set", () -> redis.sync().set("switchboard:test:via-sentinel", "v"));
                assertThat(master.command("GET", "switchboard:test:via-sentinel"))
                        .isEqualTo("v");
            }
        }
    }
}
