package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Snapshots in one Redis hash ({@link RedisKeys#REPLICA_SNAPSHOTS}): one HSET per write, one HGETALL per read. */
final class RedisFleetSnapshots implements FleetSnapshots {
    private final RedisConnections redis;
    private final Clock clock;

    RedisFleetSnapshots(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public void put(String replicaId, String snapshot) {
        RedisConnections.call(
                "write this replica's monitoring snapshot",
                () -> redis.sync()
                        .hset(RedisKeys.REPLICA_SNAPSHOTS, replicaId, StampedSnapshots.stamp(clock, snapshot)));
    }

    @Override
    public Map<String, String> fresh(Duration maxAge) {
        Map<String, String> stored = RedisConnections.call(
                "read the fleet's monitoring snapshots", () -> redis.sync().hgetall(RedisKeys.REPLICA_SNAPSHOTS));
        return StampedSnapshots.fresh(
                stored,
                clock,
                maxAge,
                stale -> RedisConnections.call(
                        "forget stopped replicas' snapshots",
                        () -> redis.sync().hdel(RedisKeys.REPLICA_SNAPSHOTS, stale.toArray(String[]::new))));
    }

    @Override
    public void remove(String replicaId) {
        RedisConnections.call(
                "forget this replica's snapshot", () -> redis.sync().hdel(RedisKeys.REPLICA_SNAPSHOTS, replicaId));
    }
}
