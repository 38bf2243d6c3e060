package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.registry.RedisScan;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link ConnectionDirectory} in Redis: each replica's open connections in a hash of its own
 * ({@link RedisKeys#replicaConnections}) and its streams per topic in another ({@link RedisKeys#replicaTopics}),
 * both expiring {@link #DIRECTORY_TTL} after the replica's last refresh, so a replica that died leaves nothing
 * behind for long.
 */
final class RedisConnectionDirectory implements ConnectionDirectory {
    /** How long a replica's connection hash outlives the replica's last refresh. */
    static final Duration DIRECTORY_TTL = Duration.ofSeconds(30);
    /** Records a connection (ARGV[1] id, ARGV[2] JSON) in this replica's hash and renews it (ARGV[3] ms). */
    private static final RedisScript REGISTER = new RedisScript(
            "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return redis.call('PEXPIRE', KEYS[1], ARGV[3])");
    /** HSET only while the record exists: a connection closed meanwhile stays forgotten. */
    private static final RedisScript REFRESH_CONNECTION =
            new RedisScript("if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then "
                    + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0");
    /** ARGV[1]: +1 or -1, ARGV[2]: TTL in ms, ARGV[3..]: topics. A count that reaches 0 is removed. */
    private static final RedisScript ADJUST_TOPICS = new RedisScript("for i = 3, #ARGV do "
            + "if redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[1]) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end "
            + "end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 0");
    /** ARGV[1]: TTL in ms, then topic, count pairs: the replica's whole presence, replacing what was there. */
    private static final RedisScript REWRITE_TOPICS = new RedisScript("redis.call('DEL', KEYS[1]) "
            + "for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "if #ARGV > 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return 0");

    private final RedisConnections redis;
    private final String directoryKey;
    /** This replica's topic subscriber counts (topic to streams), kept beside its connection hash. */
    private final String topicsKey;

    private final TopicPresence presence = new TopicPresence();

    /**
     * Starts this replica's entries empty: a replica restarted under the same id has no connections.
     *
     * @param redis     where the directory lives (not owned)
     * @param replicaId this replica's id
     */
    RedisConnectionDirectory(RedisConnections redis, String replicaId) {
        this.redis = redis;
        this.directoryKey = RedisKeys.replicaConnections(replicaId);
        this.topicsKey = RedisKeys.replicaTopics(replicaId);
        RedisConnections.call(
                "reset this replica's connections", () -> redis.sync().del(directoryKey, topicsKey));
    }

    @Override
    public void register(ConnectionInfo connection) {
        RedisConnections.call(
                "record a connection",
                () -> REGISTER.<Long>run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {directoryKey},
                        connection.id(),
                        ConnectionJson.encode(connection),
                        Long.toString(DIRECTORY_TTL.toMillis())));
        adjustTopics(presence.opened(connection), 1);
    }

    @Override
    public void unregister(String connectionId) {
        RedisConnections.call("forget a connection", () -> redis.sync().hdel(directoryKey, connectionId));
        adjustTopics(presence.closed(connectionId), -1);
    }

    /**
     * Counts a stream in (or out of) its topics in this replica's hash at once, so {@code /admin/topics} sees it
     * now; the periodic {@link #refresh} rewrites the hash from the local counts, which repairs any step lost to
     * a Redis error or to a race with that rewrite within one refresh.
     */
    private void adjustTopics(List<String> topics, int delta) {
        if (topics.isEmpty()) {
            return;
        }
        String[] args = new String[topics.size() + 2];
        args[0] = Integer.toString(delta);
        args[1] = Long.toString(DIRECTORY_TTL.toMillis());
        for (int i = 0; i < topics.size(); i++) {
            args[i + 2] = topics.get(i);
        }
        RedisConnections.call(
                "count a stream's topics",
                () -> ADJUST_TOPICS.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {topicsKey}, args));
    }

    private void rewriteTopics() {
        Map<String, Integer> counts = presence.snapshot();
        String[] args = new String[1 + 2 * counts.size()];
        args[0] = Long.toString(DIRECTORY_TTL.toMillis());
        int i = 1;
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            args[i++] = count.getKey();
            args[i++] = Integer.toString(count.getValue());
        }
        REWRITE_TOPICS.<Long>run(redis, ScriptOutputType.INTEGER, new String[] {topicsKey}, args);
    }

    @Override
    public boolean refresh(Collection<ConnectionInfo> changed) {
        return RedisConnections.call("refresh this replica's connections", () -> {
            for (ConnectionInfo c : changed) {
                REFRESH_CONNECTION.<Long>run(
                        redis, ScriptOutputType.INTEGER, new String[] {directoryKey}, c.id(), ConnectionJson.encode(c));
            }
            rewriteTopics();
            return Boolean.TRUE.equals(redis.sync().pexpire(directoryKey, DIRECTORY_TTL.toMillis()));
        });
    }

    @Override
    public List<ConnectionInfo> list() {
        List<ConnectionInfo> all = new ArrayList<>();
        RedisConnections.call(
                "list connections",
                () -> RedisScan.keys(
                        redis,
                        RedisKeys.REPLICA_CONNECTIONS_PATTERN,
                        500,
                        key -> redis.sync().hgetall(key).values().forEach(v -> all.add(ConnectionJson.decode(v)))));
        all.sort(Comparator.comparing(ConnectionInfo::createdAt));
        return all;
    }

    /**
     * One {@code SCAN} of the keyspace for the replicas' topic hashes (the same walk {@code /admin/connections}
     * makes), then one {@code HGETALL} per live replica: the cost grows with keys and topics, not with connections.
     */
    @Override
    public Map<String, Map<String, Integer>> topics() {
        Map<String, Map<String, Integer>> topics = new TreeMap<>();
        RedisConnections.call(
                "list topic subscribers",
                () -> RedisScan.keys(redis, RedisKeys.REPLICA_TOPICS_PATTERN, 500, key -> {
                    String replica = RedisKeys.replicaOf(key);
                    redis.sync()
                            .hgetall(key)
                            .forEach((topic, count) -> topics.computeIfAbsent(topic, t -> new TreeMap<>())
                                    .put(replica, Integer.parseInt(count)));
                }));
        return topics;
    }

    @Override
    public Map<String, Integer> topic(String topic) {
        Map<String, Integer> replicas = new TreeMap<>();
        RedisConnections.call(
                "count a topic's subscribers",
                () -> RedisScan.keys(redis, RedisKeys.REPLICA_TOPICS_PATTERN, 500, key -> {
                    String count = redis.sync().hget(key, topic);
                    if (count != null) {
                        replicas.put(RedisKeys.replicaOf(key), Integer.parseInt(count));
                    }
                }));
        return replicas;
    }

    @Override
    public int localTopicCount() {
        return presence.topicCount();
    }

    /** The replica stops: its connections go at once (best effort: the hash expires on its own). */
    void forgetThisReplica() {
        try {
            redis.sync().del(directoryKey);
        } catch (RuntimeException e) {
            // expires on its own
        }
    }
}
