package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link McpPushIndex} in Redis: a set of session ids per server ({@link RedisKeys#mcpServerSessions}) and a set
 * of URIs per session ({@link RedisKeys#mcpSubscriptions}) in the session's slot, expiring with its record
 * ({@link RedisMcpSessions} renews and deletes both together).
 */
final class RedisMcpPushIndex implements McpPushIndex {
    /**
     * One {@link #joined} in {@value #SAMPLE_EVERY} (per replica) checks {@value #SAMPLE} random members of the
     * server's index for staleness, in one pipelined batch: on average four checks per join, as many as a
     * sample of four on every join, without their round trips on the other joins.
     */
    static final int SAMPLE_EVERY = 8;

    private static final long SAMPLE = 32;
    /** ARGV[1]: the URI, ARGV[2]: the maximum, ARGV[3]: TTL in ms. Returns 1 added, 0 already, -1 full. */
    private static final RedisScript SUBSCRIBE =
            new RedisScript("if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end "
                    + "if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end "
                    + "redis.call('SADD', KEYS[1], ARGV[1]) "
                    + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1");

    /**
     * ARGV[1]: TTL in ms, ARGV[2..]: listen stream ids, each scored by when it lapses on Redis's clock (one clock
     * for every replica); the set itself lapses with its latest-lapsing member.
     */
    private static final RedisScript LISTENING = new RedisScript("local t = redis.call('TIME') "
            + "local lapses = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1]) "
            + "for i = 2, #ARGV do redis.call('ZADD', KEYS[1], lapses, ARGV[i]) end "
            + "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
            + "return 0");
    /** Forgets the lapsed listen streams (a replica that died), then counts the others. */
    private static final RedisScript LISTENERS = new RedisScript("local t = redis.call('TIME') "
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) return redis.call('ZCARD', KEYS[1])");

    private final RedisConnections redis;
    private final Duration sessionTtl;
    private final java.util.concurrent.atomic.AtomicLong joins = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param redis      connections
     * @param sessionTtl the sessions' idle time-to-live
     */
    RedisMcpPushIndex(RedisConnections redis, Duration sessionTtl) {
        this.redis = redis;
        this.sessionTtl = sessionTtl;
    }

    @Override
    public void joined(String server, String sessionId) {
        joining(server, sessionId).run();
    }

    /**
     * As {@link #joined}, its {@code SADD} sent now and awaited by the returned task: a caller with a write before
     * it ({@link RedisMcpSessions#saveNew}) waits for both at once.
     */
    Runnable joining(String server, String sessionId) {
        String key = RedisKeys.mcpServerSessions(server);
        if (joins.getAndIncrement() % SAMPLE_EVERY == 0) {
            forgetStale(key);
        }
        io.lettuce.core.RedisFuture<Long> added = RedisConnections.call(
                "index an MCP session", () -> redis.async().sadd(key, sessionId));
        return () -> RedisConnections.call("index an MCP session", () -> redis.await(added, "SADD"));
    }

    /** Checks a random sample of an index's members (one batch of EXISTS) and removes the ended ones at once. */
    private void forgetStale(String key) {
        List<String> sample = RedisConnections.call(
                "sample an MCP server's sessions", () -> redis.sync().srandmember(key, SAMPLE));
        if (sample.isEmpty()) {
            return;
        }
        List<io.lettuce.core.RedisFuture<Long>> checks = new ArrayList<>(sample.size());
        for (String id : sample) {
            // each in its session's slot: pipelined, not one multi-key EXISTS
            checks.add(redis.async().exists(RedisKeys.mcpSession(id)));
        }
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            io.lettuce.core.RedisFuture<Long> check = checks.get(i);
            Long exists = RedisConnections.call("check an MCP session", () -> redis.await(check, "EXISTS"));
            if (exists == null || exists == 0) {
                stale.add(sample.get(i));
            }
        }
        if (!stale.isEmpty()) {
            RedisConnections.call(
                    "forget ended MCP sessions", () -> redis.sync().srem(key, stale.toArray(String[]::new)));
        }
    }

    @Override
    public List<McpSession> sessionsOf(String server) {
        String key = RedisKeys.mcpServerSessions(server);
        Set<String> ids = RedisConnections.call(
                "read an MCP server's sessions", () -> redis.sync().smembers(key));
        List<McpSession> live = new ArrayList<>(ids.size());
        for (String id : ids) {
            Optional<McpSession> session = peek(id);
            if (session.isPresent()) {
                live.add(session.get());
            } else {
                RedisConnections.call(
                        "forget an ended MCP session", () -> redis.sync().srem(key, id));
            }
        }
        return live;
    }

    @Override
    public boolean isMember(String server, String sessionId) {
        return Boolean.TRUE.equals(RedisConnections.call(
                "check an MCP session's server",
                () -> redis.sync().sismember(RedisKeys.mcpServerSessions(server), sessionId)));
    }

    @Override
    public Optional<McpSession> peek(String sessionId) {
        // a GET: a push must not keep a session alive
        return RedisMcpSessions.read(redis, sessionId);
    }

    @Override
    public Subscribed subscribe(String sessionId, String uri, int max) {
        Long outcome = RedisConnections.call(
                "record an MCP subscription",
                () -> SUBSCRIBE.<Long>run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {RedisKeys.mcpSubscriptions(sessionId)},
                        uri,
                        Integer.toString(max),
                        Long.toString(sessionTtl.toMillis())));
        return outcome == null || outcome < 0 ? Subscribed.FULL : outcome == 0 ? Subscribed.ALREADY : Subscribed.ADDED;
    }

    @Override
    public boolean unsubscribe(String sessionId, String uri) {
        Long removed = RedisConnections.call(
                "remove an MCP subscription", () -> redis.sync().srem(RedisKeys.mcpSubscriptions(sessionId), uri));
        return removed != null && removed > 0;
    }

    @Override
    public void listening(String server, Collection<String> streamIds, Duration ttl) {
        if (streamIds.isEmpty()) {
            return;
        }
        String[] args = new String[streamIds.size() + 1];
        args[0] = Long.toString(ttl.toMillis());
        int i = 1;
        for (String id : streamIds) {
            args[i++] = id;
        }
        RedisConnections.call(
                "record MCP listen streams",
                () -> LISTENING.<Long>run(
                        redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.mcpServerListeners(server)}, args));
    }

    @Override
    public void stoppedListening(String server, String streamId) {
        RedisConnections.call(
                "forget an MCP listen stream", () -> redis.sync().zrem(RedisKeys.mcpServerListeners(server), streamId));
    }

    @Override
    public int listeners(String server) {
        Long n = RedisConnections.call(
                "count an MCP server's listen streams",
                () -> LISTENERS.<Long>run(
                        redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.mcpServerListeners(server)}));
        return n == null ? 0 : n.intValue();
    }

    @Override
    public Set<String> subscriptions(String sessionId) {
        return RedisConnections.call(
                "read an MCP session's subscriptions",
                () -> redis.sync().smembers(RedisKeys.mcpSubscriptions(sessionId)));
    }

    @Override
    public boolean isSubscribed(String sessionId, String uri) {
        return Boolean.TRUE.equals(RedisConnections.call(
                "check an MCP subscription", () -> redis.sync().sismember(RedisKeys.mcpSubscriptions(sessionId), uri)));
    }
}
