package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push index in a real Redis stays bounded: a server's index forgets ended sessions as new ones join, a
 * session's subscriptions are renewed with it and deleted with it, and a listen stream counts until it ends or its
 * replica stops renewing it.
 */
class RedisMcpPushIndexTest {
    private static final Duration SESSION_TTL = Duration.ofMinutes(30);
    private RedisConnections redis;
    private RedisStateStore store;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        redis = RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2));
        store = TestStores.redis("index-test", SESSION_TTL);
    }

    @AfterEach
    void stop() {
        store.close();
        redis.close();
    }

    private McpSession open(String id) {
        McpSession session = new McpSession(
                id, "tools", "2025-11-25", null, null, null, null, null, Instant.now(), Identity.ANONYMOUS);
        store.mcpSessions().save(session);
        store.mcpPush().joined("default/tools", id);
        return session;
    }

    @Test
    void theServerIndexForgetsEndedSessionsAsNewOnesJoin() {
        for (int i = 0; i < 100; i++) {
            open("old-" + i);
        }
        for (int i = 0; i < 100; i++) {
            store.mcpSessions().delete("old-" + i);
        }
        String key = RedisKeys.mcpServerSessions("default/tools");
        assertThat(redis.sync().scard(key))
                .as("ended, but nothing read the index since")
                .isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            open("new-" + i);
        }
        // one join in eight checks 32 random members: of 200 ids, (almost) only the 100 live ones are left
        assertThat(redis.sync().scard(key)).isLessThanOrEqualTo(110);
        assertThat(store.mcpPush().sessionsOf("default/tools")).hasSize(100);
        assertThat(redis.sync().scard(key)).isEqualTo(100);
    }

    @Test
    void subscriptionsLiveAndEndWithTheirSession() {
        open("s");
        assertThat(store.mcpPush().subscribe("s", "test://a", 2)).isEqualTo(McpPushIndex.Subscribed.ADDED);
        assertThat(store.mcpPush().subscribe("s", "test://a", 2)).isEqualTo(McpPushIndex.Subscribed.ALREADY);
        assertThat(store.mcpPush().subscribe("s", "test://b", 2)).isEqualTo(McpPushIndex.Subscribed.ADDED);
        assertThat(store.mcpPush().subscribe("s", "test://c", 2)).isEqualTo(McpPushIndex.Subscribed.FULL);
        String key = RedisKeys.mcpSubscriptions("s");
        redis.sync().pexpire(key, 60_000);
        store.mcpSessions().find("s");
        assertThat(redis.sync().pttl(key))
                .as("stored within the renewal interval: a plain read")
                .isLessThanOrEqualTo(60_000);
        pause(store.sessionRenewalInterval().plusMillis(50));
        store.mcpSessions().find("s");
        assertThat(redis.sync().pttl(key)).as("renewed with the session").isGreaterThan(60_000);
        assertThat(store.mcpPush().isSubscribed("s", "test://b")).isTrue();
        store.mcpSessions().delete("s");
        assertThat(redis.sync().exists(key)).isZero();
        assertThat(store.mcpPush().isSubscribed("s", "test://b")).isFalse();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void listenStreamsCountUntilTheyEndOrLapseUnrenewed() throws InterruptedException {
        McpPushIndex index = store.mcpPush();
        index.listening("default/tools", java.util.List.of("a1", "a2"), Duration.ofMinutes(1));
        index.listening("default/tools", java.util.List.of("b1"), Duration.ofMillis(300));
        index.listening("other/tools", java.util.List.of("x"), Duration.ofMinutes(1));
        assertThat(index.listeners("default/tools")).isEqualTo(3);
        index.stoppedListening("default/tools", "a2");
        assertThat(index.listeners("default/tools")).isEqualTo(2);
        // b1's replica died (no renewal): it stops counting once its time-to-live passed
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (index.listeners("default/tools") != 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(index.listeners("default/tools")).isEqualTo(1);
        assertThat(redis.sync().zcard(RedisKeys.mcpServerListeners("default/tools")))
                .as("the lapsed one is forgotten")
                .isEqualTo(1);
        // a renewal keeps one counting past its first time-to-live
        index.listening("default/tools", java.util.List.of("a1"), Duration.ofMinutes(1));
        assertThat(index.listeners("other/tools"))
                .as("servers of other namespaces apart")
                .isEqualTo(1);
        assertThat(index.listeners("default/none")).isZero();
    }
}
