package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.state.McpSessionStore.BackendStreamPosition;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How far a stateful function's stream was relayed, kept with its session alike on both stores: the last record
 * wins, it can be forgotten, and it ends with the session. On Redis it also lives exactly as long as the session
 * (renewed with it), and another replica reads what one recorded.
 */
class BackendStreamPositionsTest {
    private static final Duration SESSION_TTL = Duration.ofMinutes(30);
    private final List<AutoCloseable> opened = new ArrayList<>();

    static Stream<String> stores() {
        return Stream.of("memory", "redis");
    }

    private McpSessionStore store(String kind) {
        if (kind.equals("memory")) {
            MemoryStateStore memory = new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofHours(1), SESSION_TTL);
            opened.add(memory);
            return memory.mcpSessions();
        }
        return replica("a").mcpSessions();
    }

    private RedisStateStore replica(String id) {
        RedisStateStore redis = TestStores.redis(id, SESSION_TTL);
        opened.add(redis);
        return redis;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private static McpSession session(String id) {
        return new McpSession(
                id, "tools", "2025-11-25", null, null, "backend-1", null, null, Instant.now(), Identity.ANONYMOUS);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theLastPositionRecordedIsReadUntilForgottenOrTheSessionEnds(String kind) {
        TestRedis.shared().flush();
        McpSessionStore sessions = store(kind);
        sessions.save(session("s1"));
        assertThat(sessions.backendStreamPosition("s1")).isEmpty();

        sessions.relayedBackendStream("s1", new BackendStreamPosition("backend-1", "7"));
        sessions.relayedBackendStream("s1", new BackendStreamPosition("backend-1", "8"));
        assertThat(sessions.backendStreamPosition("s1")).contains(new BackendStreamPosition("backend-1", "8"));

        sessions.relayedBackendStream("s1", null);
        assertThat(sessions.backendStreamPosition("s1")).as("forgotten").isEmpty();

        sessions.relayedBackendStream("s1", new BackendStreamPosition("backend-2", "stream-a_9"));
        assertThat(sessions.backendStreamPosition("s1")).contains(new BackendStreamPosition("backend-2", "stream-a_9"));
        assertThat(sessions.delete("s1")).isTrue();
        assertThat(sessions.backendStreamPosition("s1"))
                .as("ended with the session")
                .isEmpty();
    }

    @Test
    void onRedisAnotherReplicaReadsItAndItIsRenewedWithTheSession() {
        TestRedis.shared().flush();
        RedisStateStore a = replica("a");
        RedisStateStore b = replica("b");
        a.mcpSessions().save(session("s2"));
        a.mcpSessions().relayedBackendStream("s2", new BackendStreamPosition("backend-1", "41"));
        assertThat(b.mcpSessions().backendStreamPosition("s2")).contains(new BackendStreamPosition("backend-1", "41"));

        try (RedisConnections redis =
                RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2))) {
            String key = RedisKeys.mcpBackendStream("s2");
            redis.sync().pexpire(key, 5_000);
            // b never read the session: its find renews it in Redis, the position with it
            assertThat(b.mcpSessions().find("s2")).isPresent();
            assertThat(redis.sync().pttl(key)).isGreaterThan(SESSION_TTL.toMillis() - 60_000);
        }
    }
}
