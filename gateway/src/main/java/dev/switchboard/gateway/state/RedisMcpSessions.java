package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.registry.RedisScan;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * MCP sessions in Redis, a part of {@link RedisStateStore}: records renewed on use (at most once per interval by each
 * replica, {@link SessionRenewals}), and the signals that tell the replicas which read or stored a session that it
 * changed or ended ({@link SessionSignal}), each sent on the channel of each such replica only. The store's
 * subscriber hands this part the messages of this replica's channel.
 */
final class RedisMcpSessions implements McpSessionStore, SessionSignals {
    private static final Logger LOGGER = Logger.getLogger(RedisMcpSessions.class.getName());

    /**
     * The Lua that adds a replica to a session's signal receivers, a set that lives as long as the session: the
     * step every script that stores or renews a session ends with.
     *
     * @param set     the set's key ({@code KEYS[n]})
     * @param replica the replica's id ({@code ARGV[n]})
     * @param ttl     the session's TTL in ms ({@code ARGV[n]})
     */
    private static String joinReceivers(String set, String replica, String ttl) {
        return "redis.call('SADD', " + set + ", " + replica + ") redis.call('PEXPIRE', " + set + ", " + ttl + ") ";
    }

    /**
     * Renews a session's idle TTL (ARGV[1], ms) and reads it: its record (KEYS[1]), its subscriptions (KEYS[2]), the
     * set of replicas its signals go to (KEYS[3]), to which this replica (ARGV[2]) is added, and its function
     * stream's position (KEYS[4]; all four one hash tag), in one round trip.
     */
    private static final RedisScript RENEW_SESSION = new RedisScript("local json = redis.call('GET', KEYS[1]) "
            + "if json then redis.call('PEXPIRE', KEYS[1], ARGV[1]) redis.call('PEXPIRE', KEYS[2], ARGV[1]) "
            + joinReceivers("KEYS[3]", "ARGV[2]", "ARGV[1]")
            + "redis.call('PEXPIRE', KEYS[4], ARGV[1]) end "
            + "return json");
    /**
     * Stores a session's record (KEYS[1]: ARGV[1] for ARGV[2] ms) and adds this replica (ARGV[3]) to the set of
     * replicas its signals go to (KEYS[2], same hash tag), which expires with it.
     */
    private static final RedisScript STORE_SESSION =
            new RedisScript("redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
                    + joinReceivers("KEYS[2]", "ARGV[3]", "ARGV[2]")
                    + "return redis.status_reply('OK')");
    /**
     * Sends a session signal (ARGV[2]) to each replica in the session's set (KEYS[1]) on that replica's channel
     * (ARGV[1] then its id), and deletes the set when ARGV[3] is 1 (the session ended). Answers how many replicas
     * it went to.
     */
    private static final RedisScript SIGNAL_SESSION =
            new RedisScript("local replicas = redis.call('SMEMBERS', KEYS[1]) "
                    + "for i = 1, #replicas do redis.call('PUBLISH', ARGV[1] .. replicas[i], ARGV[2]) end "
                    + "if ARGV[3] == '1' then redis.call('DEL', KEYS[1]) end return #replicas");
    /**
     * Replaces a session's record (KEYS[1]) with ARGV[2] for ARGV[3] ms only while it still is ARGV[1], adding this
     * replica (ARGV[4]) to its signals' receivers (KEYS[2]): 1 when replaced, 0 when it changed (or ended) since it
     * was read.
     */
    private static final RedisScript COMPARE_AND_SET_SESSION =
            new RedisScript("if redis.call('GET', KEYS[1]) == ARGV[1] then "
                    + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) "
                    + joinReceivers("KEYS[2]", "ARGV[4]", "ARGV[3]")
                    + "return 1 end return 0");
    /**
     * Attempts of {@link #replaceBackendSession} while other changes to the record (a logging level) keep
     * winning: each attempt reads again, so a few suffice.
     */
    private static final int REPLACE_ATTEMPTS = 8;

    private final RedisConnections redis;
    private final String replicaId;
    /** This replica's channel of session signals. */
    private final String channel;

    private final Duration sessionTtl;
    /** The index of sessions by server, joined by a new session's record. */
    private final RedisMcpPushIndex mcpPush;
    /** When this replica last renewed each session: a session is renewed at most once per interval. */
    private final SessionRenewals renewals;

    private final List<Consumer<SessionSignal>> signalListeners = new CopyOnWriteArrayList<>();

    /**
     * @param redis      connections (not owned)
     * @param replicaId  this replica's id: a session it reads or stores sends it its signals
     * @param sessionTtl how long an idle MCP session is kept
     * @param mcpPush    the index of sessions by server
     */
    RedisMcpSessions(RedisConnections redis, String replicaId, Duration sessionTtl, RedisMcpPushIndex mcpPush) {
        this.redis = redis;
        this.replicaId = replicaId;
        this.channel = RedisKeys.sessionSignals(replicaId);
        this.sessionTtl = sessionTtl;
        this.mcpPush = mcpPush;
        this.renewals = new SessionRenewals(sessionTtl);
    }

    /** @return this replica's channel of session signals: only signals about sessions it read or stored come there */
    String channel() {
        return channel;
    }

    /** Signals sent while the fan-out connection was down are lost: every session is read afresh at its next use. */
    void signalsMissed() {
        renewals.forgetAll();
    }

    /** @return how long a session's renewal stands here before its next use renews it again */
    Duration renewalInterval() {
        return renewals.interval();
    }

    @Override
    public void save(McpSession session) {
        java.util.concurrent.Future<String> saved = sendRecord(session);
        RedisConnections.call("store an MCP session", () -> redis.await(saved, "store an MCP session"));
        renewals.renewed(session);
    }

    /**
     * Sends a session's record with its full TTL, not awaited, adding this replica to the replicas its signals go
     * to.
     */
    private java.util.concurrent.Future<String> sendRecord(McpSession session) {
        return RedisConnections.call(
                        "store an MCP session",
                        () -> STORE_SESSION.<String>send(
                                redis,
                                ScriptOutputType.STATUS,
                                new String[] {
                                    RedisKeys.mcpSession(session.id()), RedisKeys.mcpSessionReplicas(session.id())
                                },
                                McpSessionJson.encode(session),
                                Long.toString(sessionTtl.toMillis()),
                                replicaId))
                .toCompletableFuture();
    }

    /**
     * The record's {@code SET} and the index's {@code SADD} go out one after the other on the one command
     * connection (Redis runs them in that order) and are awaited together: one round trip, not two.
     */
    @Override
    public void saveNew(McpSession session, String server) {
        java.util.concurrent.Future<String> saved = sendRecord(session);
        Runnable indexed = mcpPush.joining(server, session.id());
        RedisConnections.call("store an MCP session", () -> redis.await(saved, "store an MCP session"));
        indexed.run();
        renewals.renewed(session);
    }

    /**
     * No command when this replica stored or renewed the session within {@link SessionRenewals}' interval (the
     * many requests of a busy session: the record as then stored, unless a session signal said another replica
     * changed or ended it), else one script that reads it and renews its record and its subscriptions (which
     * live as long as it).
     */
    @Override
    public Optional<McpSession> find(String id) {
        McpSession fresh = renewals.fresh(id);
        if (fresh != null) {
            return Optional.of(fresh);
        }
        long readBegan = renewals.reading();
        String json = RedisConnections.call(
                "read an MCP session",
                () -> RENEW_SESSION.<String>run(
                        redis,
                        ScriptOutputType.VALUE,
                        new String[] {
                            RedisKeys.mcpSession(id),
                            RedisKeys.mcpSubscriptions(id),
                            RedisKeys.mcpSessionReplicas(id),
                            RedisKeys.mcpBackendStream(id)
                        },
                        Long.toString(sessionTtl.toMillis()),
                        replicaId));
        if (json == null) {
            renewals.forget(id);
            return Optional.empty();
        }
        McpSession session = McpSessionJson.decode(json);
        renewals.renewed(session, readBegan);
        return Optional.of(session);
    }

    /**
     * Reads the record, checks its function session in Java, and writes the changed record with a
     * compare-and-set on the whole record (so no other field written meanwhile is lost), again when it lost.
     */
    @Override
    public Optional<McpSession> replaceBackendSession(String id, String lostId, String freshId) {
        String key = RedisKeys.mcpSession(id);
        for (int attempt = 0; attempt < REPLACE_ATTEMPTS; attempt++) {
            String json = RedisConnections.call(
                    "read an MCP session", () -> redis.sync().get(key));
            if (json == null) {
                return Optional.empty();
            }
            McpSession stored = McpSessionJson.decode(json);
            if (!lostId.equals(stored.backendSessionId())) {
                return Optional.of(stored);
            }
            McpSession replaced = stored.withBackendSessionId(freshId);
            Long set = RedisConnections.call(
                    "store an MCP session",
                    () -> COMPARE_AND_SET_SESSION.<Long>run(
                            redis,
                            ScriptOutputType.INTEGER,
                            new String[] {key, RedisKeys.mcpSessionReplicas(id)},
                            json,
                            McpSessionJson.encode(replaced),
                            Long.toString(sessionTtl.toMillis()),
                            replicaId));
            if (set != null && set == 1) {
                renewals.renewed(replaced);
                return Optional.of(replaced);
            }
        }
        throw new dev.switchboard.registry.StoreUnavailableException(
                "MCP session " + id + " kept changing while its function session was recorded", null);
    }

    @Override
    public Optional<McpSession> peek(String id) {
        return read(redis, id);
    }

    /**
     * @param redis connections
     * @param id    a session
     * @return its record, read with a GET: looking does not keep it alive (the push index looks too)
     */
    static Optional<McpSession> read(RedisConnections redis, String id) {
        String json =
                RedisConnections.call("read an MCP session", () -> redis.sync().get(RedisKeys.mcpSession(id)));
        return Optional.ofNullable(json).map(McpSessionJson::decode);
    }

    @Override
    public boolean delete(String id) {
        renewals.forget(id);
        Long removed = RedisConnections.call(
                "end an MCP session",
                () -> redis.sync()
                        .del(RedisKeys.mcpSession(id), RedisKeys.mcpSubscriptions(id), RedisKeys.mcpBackendStream(id)));
        return removed != null && removed > 0;
    }

    @Override
    public void relayedBackendStream(String id, BackendStreamPosition position) {
        String key = RedisKeys.mcpBackendStream(id);
        if (position == null) {
            RedisConnections.call(
                    "forget a function stream's position", () -> redis.sync().del(key));
        } else {
            // ids of SSE events and MCP session ids hold no line feed
            String value = position.backendSessionId() + "\n" + position.eventId();
            RedisConnections.call(
                    "record a function stream's position",
                    () -> redis.sync().psetex(key, sessionTtl.toMillis(), value));
        }
    }

    @Override
    public Optional<BackendStreamPosition> backendStreamPosition(String id) {
        String value = RedisConnections.call(
                "read a function stream's position", () -> redis.sync().get(RedisKeys.mcpBackendStream(id)));
        int end = value == null ? -1 : value.indexOf('\n');
        return end < 0
                ? Optional.empty()
                : Optional.of(new BackendStreamPosition(value.substring(0, end), value.substring(end + 1)));
    }

    @Override
    public long count() {
        long[] count = {0};
        RedisConnections.call(
                "count MCP sessions",
                () -> RedisScan.keys(redis, RedisKeys.MCP_SESSIONS_PATTERN, 1000, key -> count[0]++));
        return count[0];
    }

    @Override
    public List<McpSession> list(int max) {
        List<String> keys = new ArrayList<>();
        RedisConnections.call(
                "list MCP sessions",
                () -> RedisScan.keys(redis, RedisKeys.MCP_SESSIONS_PATTERN, 1000, key -> {
                    if (keys.size() < max) {
                        keys.add(key);
                    }
                }));
        List<McpSession> sessions = new ArrayList<>(keys.size());
        for (String key : keys) {
            // GET, not GETEX: looking must not keep a session alive
            String json = RedisConnections.call(
                    "read an MCP session", () -> redis.sync().get(key));
            if (json != null) {
                sessions.add(McpSessionJson.decode(json));
            }
        }
        sessions.sort(Comparator.comparing(McpSession::createdAt));
        return sessions;
    }

    @Override
    public void send(SessionSignal signal) {
        if (!redis.isConnected()) {
            throw new dev.switchboard.registry.StoreUnavailableException(
                    "Redis unavailable: cannot signal the fleet", null);
        }
        // not awaited: the signal's receivers act on it asynchronously anyway, and on the one command
        // connection it still goes out after everything this request wrote before it (a DELETE's DEL). It goes to
        // the replicas that read or stored the session, not to the whole fleet
        RedisConnections.call(
                        "signal the fleet",
                        () -> SIGNAL_SESSION.<Long>send(
                                redis,
                                ScriptOutputType.INTEGER,
                                new String[] {RedisKeys.mcpSessionReplicas(signal.sessionId())},
                                RedisKeys.SESSION_SIGNALS_PREFIX,
                                signal.encode(),
                                signal.kind() == SessionSignal.Kind.ENDED ? "1" : "0"))
                .whenComplete((receivers, failure) -> {
                    if (failure != null) {
                        LOGGER.log(Level.FINE, "a session signal was not sent", failure);
                    }
                });
    }

    @Override
    public void subscribe(Consumer<SessionSignal> listener) {
        signalListeners.add(listener);
    }

    /** @param message a signal received on this replica's channel ({@link #channel()}) */
    void dispatchSignal(String message) {
        SessionSignal signal;
        try {
            signal = SessionSignal.decode(message);
        } catch (SessionSignal.UnknownKind e) {
            // a newer replica's (a rolling upgrade): whatever it says, the session's record may have changed
            renewals.forget(e.sessionId());
            LOGGER.fine(e::getMessage);
            return;
        } catch (IllegalArgumentException e) {
            LOGGER.warning("ignored a malformed session signal");
            return;
        }
        if (signal.kind() != SessionSignal.Kind.CANCEL
                && signal.kind() != SessionSignal.Kind.STREAM_OPENED
                && signal.kind() != SessionSignal.Kind.POST_STREAM_RESUMED) {
            // another replica ended the session or changed its record: read it from Redis next time
            renewals.forget(signal.sessionId());
        }
        for (Consumer<SessionSignal> listener : signalListeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "session signal listener failed", e);
            }
        }
    }
}
