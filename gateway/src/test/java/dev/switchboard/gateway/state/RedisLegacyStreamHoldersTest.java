package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which replica holds each HTTP+SSE session's stream, in a real Redis: a live replica's sessions are never taken, a
 * replica whose connection hash is missing at two sweeps in a row gives its sessions up, once each, and a replica
 * restarted under the same id takes over its earlier life's sessions as orphans.
 */
class RedisLegacyStreamHoldersTest {
    private RedisConnections redis;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        redis = RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    private static LegacyStreamHolders.Session session(String id) {
        return new LegacyStreamHolders.Session("default/tools", id);
    }

    /** What {@link RedisConnectionDirectory} writes while a replica holds a stream. */
    private void holdsAStream(String replica) {
        redis.sync().hset(RedisKeys.replicaConnections(replica), "c1", "{}");
    }

    @Test
    void aReplicaGoneForTwoSweepsGivesItsSessionsUpOnceEach() {
        RedisLegacyStreamHolders a = new RedisLegacyStreamHolders(redis, "replica-a");
        RedisLegacyStreamHolders b = new RedisLegacyStreamHolders(redis, "replica-b");
        RedisLegacyStreamHolders c = new RedisLegacyStreamHolders(redis, "replica-c");
        holdsAStream("replica-a");
        a.held(session("s1"));
        a.held(session("s2"));
        a.held(session("s3"));
        a.released(session("s3"));

        assertThat(b.takeOrphaned(10)).as("a live replica's").isEmpty();
        assertThat(b.takeOrphaned(10)).isEmpty();

        redis.sync().del(RedisKeys.replicaConnections("replica-a"));
        assertThat(b.takeOrphaned(10)).as("missing once: maybe an outage's gap").isEmpty();
        assertThat(c.takeOrphaned(10)).isEmpty();
        List<LegacyStreamHolders.Session> taken = new ArrayList<>(b.takeOrphaned(1));
        assertThat(taken).as("at most as many as asked").hasSize(1);
        taken.addAll(c.takeOrphaned(10));
        assertThat(taken).containsExactlyInAnyOrder(session("s1"), session("s2"));
        assertThat(b.takeOrphaned(10)).isEmpty();
        assertThat(redis.sync().smembers(RedisKeys.LEGACY_SESSION_HOLDERS))
                .as("a replica gone with nothing left leaves the holders")
                .doesNotContain("replica-a");
    }

    @Test
    void aReplicaBackWithinTwoSweepsKeepsItsSessions() {
        RedisLegacyStreamHolders a = new RedisLegacyStreamHolders(redis, "replica-a");
        RedisLegacyStreamHolders b = new RedisLegacyStreamHolders(redis, "replica-b");
        a.held(session("s1"));

        assertThat(b.takeOrphaned(10)).as("no connection hash: missing once").isEmpty();
        holdsAStream("replica-a");
        assertThat(b.takeOrphaned(10)).isEmpty();
        redis.sync().del(RedisKeys.replicaConnections("replica-a"));
        assertThat(b.takeOrphaned(10))
                .as("missing once again, not twice in a row")
                .isEmpty();
        assertThat(redis.sync().smembers(RedisKeys.replicaLegacySessions("replica-a")))
                .containsExactly("default/tools\ns1");
    }

    @Test
    void aReplicaRestartedUnderItsIdTakesItsEarlierSessionsAsOrphans() {
        RedisLegacyStreamHolders before = new RedisLegacyStreamHolders(redis, "replica-a");
        holdsAStream("replica-a");
        before.held(session("s1"));
        before.held(session("s2"));

        RedisLegacyStreamHolders after = new RedisLegacyStreamHolders(redis, "replica-a");
        after.held(session("s3"));
        assertThat(after.takeOrphaned(1)).hasSize(1);
        assertThat(after.takeOrphaned(10))
                .as("the rest of the earlier life's, not this one's")
                .hasSize(1);
        assertThat(after.takeOrphaned(10)).isEmpty();
        assertThat(redis.sync().smembers(RedisKeys.replicaLegacySessions("replica-a")))
                .containsExactly("default/tools\ns3");
    }
}
