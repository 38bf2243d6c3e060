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
 * A replica's unfinished work, in a real Redis: a running replica's is never taken, one whose presence key is missing
 * at two sweeps in a row gives its work up, each item once, and a replica restarted under its id takes its earlier
 * life's work as orphans.
 */
class RedisReplicaWorkTest {
    private static final String KIND = ReplicaWork.ASYNC_CALLS;
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

    private RedisReplicaWork work(String replica) {
        return new RedisReplicaWork(redis, replica, KIND);
    }

    /** What {@link ReplicaPresence} keeps while a replica runs. */
    private void runs(String replica) {
        redis.sync().psetex(RedisKeys.replicaAlive(replica), 30_000, "1");
    }

    private void dies(String replica) {
        redis.sync().del(RedisKeys.replicaAlive(replica));
    }

    @Test
    void aReplicaGoneForTwoSweepsGivesItsWorkUpOnceEach() {
        RedisReplicaWork a = work("replica-a");
        RedisReplicaWork b = work("replica-b");
        RedisReplicaWork c = work("replica-c");
        runs("replica-a");
        a.started("r1", "v1");
        a.started("r2", "v2");
        a.started("r3", "v3");
        a.finished("r3");

        assertThat(b.takeOrphaned(10)).as("a running replica's").isEmpty();
        assertThat(b.takeOrphaned(10)).isEmpty();

        dies("replica-a");
        assertThat(b.takeOrphaned(10)).as("missing once: maybe an outage's gap").isEmpty();
        assertThat(c.takeOrphaned(10)).isEmpty();
        List<ReplicaWork.Item> taken = new ArrayList<>(b.takeOrphaned(1));
        assertThat(taken).as("at most as many as asked").hasSize(1);
        taken.addAll(c.takeOrphaned(10));
        assertThat(taken).containsExactlyInAnyOrder(new ReplicaWork.Item("r1", "v1"), new ReplicaWork.Item("r2", "v2"));
        assertThat(b.takeOrphaned(10)).isEmpty();
        assertThat(redis.sync().smembers(RedisKeys.replicaWorkHolders(KIND)))
                .as("a replica gone with nothing left leaves the holders")
                .doesNotContain("replica-a");
    }

    @Test
    void aReplicaBackWithinTwoSweepsKeepsItsWork() {
        RedisReplicaWork a = work("replica-a");
        RedisReplicaWork b = work("replica-b");
        a.started("r1", "v1");

        assertThat(b.takeOrphaned(10)).as("no presence key: missing once").isEmpty();
        runs("replica-a");
        assertThat(b.takeOrphaned(10)).isEmpty();
        dies("replica-a");
        assertThat(b.takeOrphaned(10))
                .as("missing once again, not twice in a row")
                .isEmpty();
        assertThat(redis.sync().hgetall(RedisKeys.replicaWork("replica-a", KIND)))
                .containsOnlyKeys("r1");
    }

    @Test
    void aReplicaRestartedUnderItsIdTakesItsEarlierWorkAsOrphans() {
        RedisReplicaWork before = work("replica-a");
        runs("replica-a");
        before.started("r1", "v1");
        before.started("r2", "v2");

        RedisReplicaWork after = work("replica-a");
        after.started("r3", "v3");
        List<ReplicaWork.Item> taken = new ArrayList<>(after.takeOrphaned(1));
        taken.addAll(after.takeOrphaned(10));
        assertThat(taken)
                .as("the earlier life's, not this one's")
                .containsExactlyInAnyOrder(new ReplicaWork.Item("r1", "v1"), new ReplicaWork.Item("r2", "v2"));
        assertThat(after.takeOrphaned(10)).isEmpty();
        assertThat(redis.sync().hgetall(RedisKeys.replicaWork("replica-a", KIND)))
                .containsOnlyKeys("r3");
    }

    @Test
    void aRunningStoreKeepsItsPresenceKey() {
        try (ReplicaPresence presence = new ReplicaPresence(redis, "replica-p")) {
            assertThat(redis.sync().pttl(RedisKeys.replicaAlive("replica-p")))
                    .as("set at once, to expire after its life")
                    .isBetween(20_000L, ReplicaPresence.LIFE.toMillis());
        }
    }
}
