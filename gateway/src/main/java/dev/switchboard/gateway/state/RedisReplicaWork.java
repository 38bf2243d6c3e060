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
    private static final long JOIN_EVERY_NANOS =
            java.time.Duration.ofSeconds(10).toNanos();
    private final RedisConnections redis;
    private final String replicaId;
    private final String holdersKey;
    private final String kind;
    private final String ownKey;
    /** This replica id's items from an earlier life (before this process started): orphans too. */
    private final Queue<Item> leftovers = new ArrayDeque<>();

    private final ReplicaPresence.Gone gone;
    /** When this replica last named itself in the holders' set ({@link System#nanoTime()}). */
    private volatile long joinedAt = System.nanoTime() - JOIN_EVERY_NANOS - 1;

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

    /**
     * Sent, not awaited: a round trip more before an async call's 202 cost that call a fifth to a half of its time
     * on Redis, for a record needed only when its replica dies. The command leaves on the connection before the work
     * starts (so it reaches Redis before the work's {@link #finished}); a replica that dies within the moment between
     * leaves that one item unrecorded. This replica names itself in the holders' set at most once a sweep period (a
     * Redis that lost the set meanwhile has it back by the next sweep but one).
     */
    @Override
    public void started(String id, String value) {
        RedisConnections.call("record this replica's " + kind, () -> {
            long now = System.nanoTime();
            if (now - joinedAt > JOIN_EVERY_NANOS) {
                redis.async().sadd(holdersKey, replicaId);
                joinedAt = now;
            }
            return redis.async().hset(ownKey, id, value);
        });
    }

    /**
     * Sent, not awaited: the work is done, and a record the store did not drop (its reply lost, Redis away) is
     * finished by the fleet only should this replica die.
     */
    @Override
    public void finished(String id) {
        RedisConnections.call(
                "forget this replica's " + kind, () -> redis.async().hdel(ownKey, id));
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
