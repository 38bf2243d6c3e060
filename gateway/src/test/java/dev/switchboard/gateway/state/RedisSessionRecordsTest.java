package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on a real Redis: a replica serves the requests of a session it stored or renewed within the renewal
 * interval from its own copy of the record (no round trip), and forgets that copy as soon as another replica's
 * session signal says the session ended or its record changed, well before the interval is over. Signals go only
 * to the replicas that read or stored their session.
 */
class RedisSessionRecordsTest {
    /** A renewal interval of one second (a hundredth of the TTL, capped). */
    private static final Duration SESSION_TTL = Duration.ofMinutes(30);
    /** Much less than the interval: what a signal takes to arrive, with room for a loaded machine. */
    private static final Duration SIGNAL = Duration.ofMillis(500);

    private RedisConnections redis;
    private RedisStateStore a;
    private RedisStateStore b;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        redis = RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2));
        a = replica("a");
        b = replica("b");
    }

    private static RedisStateStore replica(String id) {
        return TestStores.redis(id, SESSION_TTL);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        redis.close();
    }

    private static McpSession session(String id, String backendSessionId) {
        return new McpSession(
                id, "tools", "2025-11-25", null, null, backendSessionId, null, null, Instant.now(), Identity.ANONYMOUS);
    }

    @Test
    void aSessionStoredHereIsServedFromHereWithinTheInterval() {
        a.mcpSessions().saveNew(session("s1", "backend-1"), "default/tools");
        assertThat(redis.sync().get(RedisKeys.mcpSession("s1"))).isNotNull();
        assertThat(redis.sync().sismember(RedisKeys.mcpServerSessions("default/tools"), "s1"))
                .isTrue();

        // gone from Redis behind the fleet's back (no signal): the replica's copy still serves, then not
        redis.sync().del(RedisKeys.mcpSession("s1"));
        assertThat(a.mcpSessions().find("s1")).as("served without a read").isPresent();
        await().atMost(Duration.ofSeconds(3))
                .until(() -> a.mcpSessions().find("s1").isEmpty());
        // the other replica never had it
        assertThat(b.mcpSessions().find("s1")).isEmpty();
    }

    @Test
    void anotherReplicasEndReachesThisReplicaBySignalNotByTheInterval() {
        a.mcpSessions().saveNew(session("s2", null), "default/tools");
        assertThat(b.mcpSessions().find("s2")).isPresent();
        assertThat(a.mcpSessions().find("s2")).isPresent();

        long start = System.nanoTime();
        b.mcpSessions().delete("s2");
        b.signals().send(SessionSignal.ended("s2"));
        await().atMost(SIGNAL)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> a.mcpSessions().find("s2").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void anotherReplicasRecoveryReachesThisReplicaBySignal() {
        a.mcpSessions().saveNew(session("s3", "lost"), "default/tools");
        assertThat(b.mcpSessions().find("s3").map(McpSession::backendSessionId)).contains("lost");

        Optional<McpSession> replaced = b.mcpSessions().replaceBackendSession("s3", "lost", "fresh");
        assertThat(replaced.map(McpSession::backendSessionId)).contains("fresh");
        b.signals().send(SessionSignal.recovered("s3"));
        await().atMost(SIGNAL)
                .pollInterval(Duration.ofMillis(5))
                .until(
                        () -> a.mcpSessions().find("s3").map(McpSession::backendSessionId),
                        found -> found.equals(Optional.of("fresh")));
        // the replica that recorded it serves its new record at once
        assertThat(b.mcpSessions().find("s3").map(McpSession::backendSessionId)).contains("fresh");
    }

    @Test
    void aSignalReachesOnlyTheReplicasThatReadOrStoredItsSession() {
        RedisStateStore c = replica("c");
        try {
            List<SessionSignal> atA = new CopyOnWriteArrayList<>();
            List<SessionSignal> atB = new CopyOnWriteArrayList<>();
            List<SessionSignal> atC = new CopyOnWriteArrayList<>();
            a.signals().subscribe(atA::add);
            b.signals().subscribe(atB::add);
            c.signals().subscribe(atC::add);
            a.mcpSessions().saveNew(session("s5", null), "default/tools");
            assertThat(b.mcpSessions().find("s5")).isPresent();
            assertThat(redis.sync().smembers(RedisKeys.mcpSessionReplicas("s5")))
                    .as("the replica that stored it and the one that read it")
                    .containsExactlyInAnyOrder("a", "b");
            assertThat(redis.sync().pttl(RedisKeys.mcpSessionReplicas("s5")))
                    .as("the set expires with the session")
                    .isPositive();

            b.signals().send(SessionSignal.cancel("s5", "7"));
            b.mcpSessions().delete("s5");
            b.signals().send(SessionSignal.ended("s5"));
            await().atMost(SIGNAL).until(() -> atA.size() == 2 && atB.size() == 2);
            assertThat(atA)
                    .extracting(SessionSignal::kind)
                    .containsExactly(SessionSignal.Kind.CANCEL, SessionSignal.Kind.ENDED);
            assertThat(redis.sync().exists(RedisKeys.mcpSessionReplicas("s5")))
                    .as("an ended session's receivers are forgotten with it")
                    .isZero();

            // c's own session's signal arrives: its channel works, and nothing of s5 came to it before
            c.mcpSessions().saveNew(session("s6", null), "default/tools");
            c.signals().send(SessionSignal.cancel("s6", "1"));
            await().atMost(SIGNAL).until(() -> atC.size() == 1);
            assertThat(atC).extracting(SessionSignal::sessionId).containsExactly("s6");
            assertThat(atA).hasSize(2);
        } finally {
            c.close();
        }
    }

    @Test
    void aSignalOfAKindANewerReplicaSendsStillForgetsTheRecord() {
        a.mcpSessions().saveNew(session("s7", null), "default/tools");
        redis.sync().del(RedisKeys.mcpSession("s7"));
        assertThat(a.mcpSessions().find("s7")).as("served from its copy").isPresent();
        // what a replica of a later version could send during a rolling upgrade
        redis.sync().publish(RedisKeys.sessionSignals("a"), "SOMETHING_NEW\ns7\n");
        await().atMost(SIGNAL)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> a.mcpSessions().find("s7").isEmpty());
    }

    @Test
    void aCancellationLeavesTheRecordAlone() throws Exception {
        a.mcpSessions().saveNew(session("s4", null), "default/tools");
        redis.sync().del(RedisKeys.mcpSession("s4"));
        b.signals().send(SessionSignal.cancel("s4", "7"));
        Thread.sleep(100);
        assertThat(a.mcpSessions().find("s4"))
                .as("a cancellation is no change of the record")
                .isPresent();
    }
}
