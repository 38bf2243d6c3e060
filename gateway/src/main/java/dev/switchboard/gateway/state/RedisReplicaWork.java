package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * {@link ReplicaWork} in Redis: a hash per replica and kind ({@link RedisKeys#replicaWork}), which, unlike the
 * replica's other keys, does not expire, and the set of the replicas that have one
 * ({@link RedisKeys#replicaWorkHolders}). A replica is gone when its presence key is missing at two sweeps in a row
 * ({@link ReplicaPresence.Gone}); its items are then taken a few at a time ({@code HRANDFIELD}), each by the sweeper
 * whose {@code HDEL} removed it, and a gone replica with nothing left leaves the holders' set (a replica that
 * records work joins it again).
 */
final class RedisReplicaWork implements ReplicaWork {
    private final RedisConnections redis;
    private final String replicaId;
    private final String holdersKey;
    private final String kind;
    private final String ownKey;
    /** This replica id's items from an earlier life (before this process started): orphans too. */
    private final Queue<Item> leftovers = new ArrayDeque<>();

    private final ReplicaPresence.Gone gone;

    /**
     * Takes over what this replica id recorded in an earlier life: none of that work runs now.
     *
     * @param redis     where the records live (not owned)
     * @param replicaId this replica's id
     * @param kind      the kind of work
     */
    RedisReplicaWork(RedisConnections redis, String replicaId, String kind) {
        this.redis = redis;
        this.replicaId = replicaId;
        this.kind = kind;
        this.holdersKey = RedisKeys.replicaWorkHolders(kind);
        this.ownKey = RedisKeys.replicaWork(replicaId, kind);
        this.gone = new ReplicaPresence.Gone(redis, replicaId);
        RedisConnections.call("read this replica's work of an earlier life", () -> {
                    Map<String, String> earlier = redis.sync().hgetall(ownKey);
                    redis.sync().del(ownKey);
                    return earlier;
                })
                .forEach((id, value) -> leftovers.add(new Item(id, value)));
    }

    /** Two commands sent together (their keys may live on different Cluster shards): one round trip. */
    @Override
    public void started(String id, String value) {
        RedisConnections.call("record this replica's " + kind, () -> {
            var joined = redis.async().sadd(holdersKey, replicaId);
            var recorded = redis.async().hset(ownKey, id, value);
            redis.await(joined, "record this replica's " + kind);
            return redis.await(recorded, "record this replica's " + kind);
        });
    }

    @Override
    public void finished(String id) {
        RedisConnections.call(
                "forget this replica's " + kind, () -> redis.sync().hdel(ownKey, id));
    }

    @Override
    public synchronized List<Item> takeOrphaned(int max) {
        List<Item> taken = new ArrayList<>();
        while (taken.size() < max && !leftovers.isEmpty()) {
            taken.add(leftovers.poll());
        }
        RedisConnections.call("find the " + kind + " of replicas gone", () -> {
            gone.look();
            for (String replica : redis.sync().smembers(holdersKey)) {
                if (!gone.isGone(replica) || taken.size() >= max) {
                    continue;
                }
                String key = RedisKeys.replicaWork(replica, kind);
                var picked = redis.sync().hrandfieldWithvalues(key, max - taken.size());
                for (var field : picked) {
                    // of two replicas sweeping at once, the one whose HDEL removed the item has it
                    if (redis.sync().hdel(key, field.getKey()) == 1) {
                        taken.add(new Item(field.getKey(), field.getValue()));
                    }
                }
                if (picked.isEmpty()) {
                    redis.sync().srem(holdersKey, replica);
                }
            }
            return null;
        });
        return taken;
    }
}
