package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;

/**
 * {@link LegacyStreamHolders} in Redis: a set of session ids per replica ({@link RedisKeys#replicaLegacySessions}),
 * which, unlike the replica's connection hash, does not expire, and the set of the replicas that have one
 * ({@link RedisKeys#LEGACY_SESSION_HOLDERS}). A replica is taken for gone when its connection hash
 * ({@link RedisKeys#replicaConnections}) is missing at two sweeps in a row: the hash exists while the replica holds
 * a stream and lives {@link RedisConnectionDirectory#DIRECTORY_TTL} past its last refresh, and a replica that could
 * not reach Redis for longer than that writes it again at its next refresh. A gone replica leaves the holders' set
 * once its sessions are all taken; a replica that records a session joins it again.
 */
final class RedisLegacyStreamHolders implements LegacyStreamHolders {
    private final RedisConnections redis;
    private final String replicaId;
    private final String ownKey;
    /** This replica id's sessions from an earlier life (before this process started): orphans too. */
    private final Queue<Session> leftovers;
    /** Replicas whose connection hash was missing at the last sweep. */
    private Set<String> missingAtLastSweep = Set.of();

    /**
     * Takes over what this replica id held in an earlier life: none of those streams is open now.
     *
     * @param redis     where the sets live (not owned)
     * @param replicaId this replica's id
     */
    RedisLegacyStreamHolders(RedisConnections redis, String replicaId) {
        this.redis = redis;
        this.replicaId = replicaId;
        this.ownKey = RedisKeys.replicaLegacySessions(replicaId);
        this.leftovers = new ArrayDeque<>();
        RedisConnections.call("read this replica's HTTP+SSE sessions of an earlier life", () -> {
                    Set<String> earlier = redis.sync().smembers(ownKey);
                    redis.sync().del(ownKey);
                    return earlier;
                })
                .forEach(member -> leftovers.add(decode(member)));
    }

    /** A session's member of its replica's set: the server, a line feed, the id (neither holds a line feed). */
    private static String encode(Session session) {
        return session.server() + "\n" + session.sessionId();
    }

    private static Session decode(String member) {
        int at = member.indexOf('\n');
        return new Session(member.substring(0, at), member.substring(at + 1));
    }

    /** Two commands sent together (their keys may live on different Cluster shards): one round trip. */
    @Override
    public void held(Session session) {
        RedisConnections.call("record an HTTP+SSE stream's replica", () -> {
            var joined = redis.async().sadd(RedisKeys.LEGACY_SESSION_HOLDERS, replicaId);
            var recorded = redis.async().sadd(ownKey, encode(session));
            redis.await(joined, "record an HTTP+SSE stream's replica");
            return redis.await(recorded, "record an HTTP+SSE stream's replica");
        });
    }

    @Override
    public void released(Session session) {
        RedisConnections.call(
                "forget an HTTP+SSE stream's replica", () -> redis.sync().srem(ownKey, encode(session)));
    }

    @Override
    public synchronized List<Session> takeOrphaned(int max) {
        List<Session> taken = new ArrayList<>();
        while (taken.size() < max && !leftovers.isEmpty()) {
            taken.add(leftovers.poll());
        }
        Set<String> missing = new HashSet<>();
        RedisConnections.call("find the HTTP+SSE sessions of replicas gone", () -> {
            for (String replica : redis.sync().smembers(RedisKeys.LEGACY_SESSION_HOLDERS)) {
                if (replica.equals(replicaId) || redis.sync().exists(RedisKeys.replicaConnections(replica)) > 0) {
                    continue;
                }
                missing.add(replica);
                if (missingAtLastSweep.contains(replica) && taken.size() < max) {
                    int wanted = max - taken.size();
                    // SPOP: of two replicas sweeping at once, each session goes to one
                    Set<String> popped = redis.sync().spop(RedisKeys.replicaLegacySessions(replica), wanted);
                    popped.forEach(member -> taken.add(decode(member)));
                    if (popped.size() < wanted) {
                        redis.sync().srem(RedisKeys.LEGACY_SESSION_HOLDERS, replica);
                    }
                }
            }
            return null;
        });
        missingAtLastSweep = missing;
        return taken;
    }
}
