package dev.switchboard.gateway.state;

import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisFunctionStore;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.registry.RedisScan;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shared state in Redis. Client event logs are Redis Streams ({@link RedisKeys#clientEvents}), appended and
 * announced in one script so that the log and the fan-out agree on order. Each log has its own announcement
 * channel ({@link RedisKeys#announcements}), which only replicas following the log subscribe to (routed
 * fan-out, {@link LogSubscriptions}). MCP sessions are records renewed on use, with signals to the replicas that
 * read them ({@link SessionSignal}). Leases ({@link RedisLeases}) and the connection directory
 * ({@link RedisConnectionDirectory}: one hash per replica that expires when the replica stops refreshing it) are
 * parts of their own.
 */
public final class RedisStateStore implements StateStore, ClientEventLog, McpSessionStore, SessionSignals {
    private static final Logger LOGGER = Logger.getLogger(RedisStateStore.class.getName());
    /**
     * Every append to a log: a batch of one or more events for one log (KEYS[1]) in one step, each announced on the
     * log's channel after it is stored. ARGV[1] MAXLEN, ARGV[2] TTL (ms), ARGV[3] the announcement
     * channel, ARGV[4] the log key, ARGV[5] the trace head ({@link AnnouncedTrace}, or empty), then per event its
     * type, data, the index in KEYS of its publish-id record (same hash tag; 0 for none) and how long that record
     * is kept (ms; 0 for the log's TTL). Answers {id, repeated} per event; a batch of repeats only leaves the
     * log's TTL alone.
     */
    private static final String APPEND = "local out = {} local appended = false "
            + "for i = 6, #ARGV, 4 do "
            + "local t, d, k = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]) "
            + "local prior = false "
            + "if k > 0 then prior = redis.call('GET', KEYS[k]) end "
            + "if prior then out[#out + 1] = prior out[#out + 1] = 1 else "
            + "local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 't', t, 'd', d) "
            + "if k > 0 then redis.call('SET', KEYS[k], id, 'PX', ARGV[i + 3] == '0' and ARGV[2] or ARGV[i + 3]) end "
            + "redis.call('PUBLISH', ARGV[3], ARGV[5] .. ARGV[4] .. '\\n' .. id .. '\\n' .. t .. '\\n' .. d) "
            + "out[#out + 1] = id out[#out + 1] = 0 appended = true end end "
            + "if appended then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
            + "return out";

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
    /** Tries to subscribe again to a shard channel whose slot moved. */
    private static final int RESUBSCRIBE_ATTEMPTS = 6;

    private final RedisConnections redis;
    private final RedisFunctionStore functions;
    private final List<BiConsumer<String, ClientEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<SessionSignal>> signalListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> resubscribeListeners = new CopyOnWriteArrayList<>();
    /** Whether the first subscription was confirmed: later confirmations are re-subscriptions. */
    private final java.util.concurrent.atomic.AtomicBoolean subscribedOnce =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** The logs this replica follows, one announcement channel each. */
    private final LogSubscriptions subscriptions;
    /** The append script, announcing with {@code SPUBLISH} on a Cluster (the channel lives on the log's shard). */
    private final RedisScript appendScript;
    /** When this replica last renewed each session: a session is renewed at most once per interval. */
    private final SessionRenewals renewals;

    private final String replicaId;
    /** This replica's channel of session signals: only signals about sessions it read or stored come here. */
    private final String signalsChannel;

    private final int maxLength;
    private final Duration ttl;
    private final Duration sessionTtl;
    private final FleetSnapshots snapshots;
    private final RedisMcpPushIndex mcpPush;
    private final RedisLeases leases;
    private final RedisConnectionDirectory directory;
    /** That this replica runs, for the others to tell when it is gone. */
    private final ReplicaPresence presence;
    /** This replica's unfinished work, by kind. */
    private final java.util.Map<String, RedisReplicaWork> work;

    /**
     * @param redis     connections (owned: closed with this store)
     * @param clock     time source
     * @param replicaId this replica's id
     * @param maxLength events kept per client
     * @param ttl       how long an idle client's log is kept
     * @param sessionTtl how long an idle MCP session is kept
     */
    public RedisStateStore(
            RedisConnections redis, Clock clock, String replicaId, int maxLength, Duration ttl, Duration sessionTtl) {
        this.redis = redis;
        this.functions = new RedisFunctionStore(redis, clock);
        this.replicaId = replicaId;
        this.signalsChannel = RedisKeys.sessionSignals(replicaId);
        this.maxLength = maxLength;
        this.ttl = ttl;
        this.sessionTtl = sessionTtl;
        this.snapshots = new RedisFleetSnapshots(redis, clock);
        this.mcpPush = new RedisMcpPushIndex(redis, sessionTtl);
        boolean sharded = redis.isCluster();
        this.appendScript = new RedisScript(sharded ? APPEND.replace("'PUBLISH'", "'SPUBLISH'") : APPEND);
        this.renewals = new SessionRenewals(sessionTtl);
        this.subscriptions = new LogSubscriptions(new AnnouncementChannels(redis, sharded), redis.commandTimeout());
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void subscribed(String channel, long count) {
                // Lettuce re-subscribes by itself after a reconnect and confirms it here; the signals channel is
                // always subscribed, so its confirmation tells that the connection was re-made
                if (signalsChannel.equals(channel)) {
                    if (!subscribedOnce.compareAndSet(false, true)) {
                        // signals sent while the connection was down are lost: sessions are read afresh
                        renewals.forgetAll();
                        LOGGER.info(
                                "fan-out connection re-made: followed logs subscribed again, their streams catch up");
                        Thread.ofVirtual().name("switchboard-resubscribe").start(subscriptions::resubscribe);
                    }
                } else if (channel.endsWith(RedisKeys.ANNOUNCEMENTS_SUFFIX)) {
                    confirmed(channel);
                }
            }

            @Override
            public void ssubscribed(String channel, long count) {
                confirmed(channel);
            }

            @Override
            public void sunsubscribed(String channel, long count) {
                Thread.ofVirtual().name("switchboard-resubscribe").start(() -> subscribeAgain(channel));
            }

            @Override
            public void message(String channel, String message) {
                if (signalsChannel.equals(channel)) {
                    dispatchSignal(message);
                } else if (channel.endsWith(RedisKeys.ANNOUNCEMENTS_SUFFIX)) {
                    dispatch(message);
                }
            }

            @Override
            public void smessage(String channel, String message) {
                dispatch(message);
            }
        });
        RedisConnections.call("subscribe to session signals", () -> {
            redis.pubSub().sync().subscribe(signalsChannel);
            return null;
        });
        this.leases = new RedisLeases(redis);
        // a replica restarted under the same id starts with no connections
        this.directory = new RedisConnectionDirectory(redis, replicaId);
        this.presence = new ReplicaPresence(redis, replicaId);
        this.work = java.util.Map.of(
                ReplicaWork.LEGACY_SESSIONS,
                new RedisReplicaWork(redis, replicaId, ReplicaWork.LEGACY_SESSIONS),
                ReplicaWork.ASYNC_CALLS,
                new RedisReplicaWork(redis, replicaId, ReplicaWork.ASYNC_CALLS),
                ReplicaWork.LEGACY_CALLS,
                new RedisReplicaWork(redis, replicaId, ReplicaWork.LEGACY_CALLS));
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public FunctionStore functions() {
        return functions;
    }

    @Override
    public McpSessionStore mcpSessions() {
        return this;
    }

    @Override
    public ReplicaWork replicaWork(String kind) {
        ReplicaWork kept = work.get(kind);
        if (kept == null) {
            throw new IllegalArgumentException("no such kind of work: " + kind);
        }
        return kept;
    }

    @Override
    public McpPushIndex mcpPush() {
        return mcpPush;
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
        String json =
                RedisConnections.call("read an MCP session", () -> redis.sync().get(RedisKeys.mcpSession(id)));
        return Optional.ofNullable(json).map(McpSessionJson::decode);
    }

    @Override
    public Leases leases() {
        return leases;
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
    public SessionSignals signals() {
        return this;
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

    private void dispatchSignal(String message) {
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
        if (signal.kind() != SessionSignal.Kind.CANCEL && signal.kind() != SessionSignal.Kind.STREAM_OPENED) {
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

    @Override
    public ClientEventLog events() {
        return this;
    }

    @Override
    public ConnectionDirectory connections() {
        return directory;
    }

    @Override
    public FleetSnapshots snapshots() {
        return snapshots;
    }

    @Override
    public StoreHealth health() {
        try {
            String pong = redis.sync().ping();
            return new StoreHealth("PONG".equals(pong), "redis " + redis.displayUrl());
        } catch (RuntimeException e) {
            return new StoreHealth(false, "redis " + redis.displayUrl() + ": " + e.getMessage());
        }
    }

    @Override
    public ClientEvent publish(String clientId, String type, String data) {
        return publish(clientId, type, data, ttl);
    }

    @Override
    public ClientEvent publish(String clientId, String type, String data, Duration keptFor) {
        String id = append(clientId, List.of(new Pending(type, data, null)), keptFor)
                .getFirst()
                .id();
        return new ClientEvent(id, type, data);
    }

    @Override
    public List<Appended> publishAll(String logKey, List<Pending> batch) {
        return append(logKey, batch, ttl);
    }

    /** @param keptFor how long the log outlives this append */
    private List<Appended> append(String logKey, List<Pending> batch, Duration keptFor) {
        List<String> keys = new ArrayList<>();
        keys.add(RedisKeys.clientEvents(logKey));
        List<String> args = new ArrayList<>(5 + 4 * batch.size());
        args.add(String.valueOf(maxLength));
        args.add(String.valueOf(keptFor.toMillis()));
        args.add(RedisKeys.announcements(logKey));
        args.add(logKey);
        args.add(AnnouncedTrace.head());
        for (Pending p : batch) {
            args.add(p.type());
            args.add(p.data());
            if (p.publishId() == null) {
                args.add("0");
            } else {
                keys.add(RedisKeys.publishedId(logKey, p.publishId()));
                args.add(String.valueOf(keys.size()));
            }
            args.add(
                    p.idKeptFor() == null
                            ? "0"
                            : String.valueOf(Math.max(1, p.idKeptFor().toMillis())));
        }
        List<Object> reply = RedisConnections.call(
                "append events",
                () -> appendScript.<List<Object>>run(
                        redis, ScriptOutputType.MULTI, keys.toArray(String[]::new), args.toArray(String[]::new)));
        List<Appended> appended = new ArrayList<>(batch.size());
        for (int i = 0; i < reply.size(); i += 2) {
            appended.add(new Appended(String.valueOf(reply.get(i)), ((Number) reply.get(i + 1)).longValue() == 1));
        }
        return appended;
    }

    @Override
    public boolean isAvailable() {
        return redis.isConnected();
    }

    @Override
    public List<ClientEvent> readAfter(String clientId, String afterId, int max) {
        List<StreamMessage<String, String>> messages = RedisConnections.call(
                "read a client's events",
                () -> redis.sync()
                        .xrange(
                                RedisKeys.clientEvents(clientId),
                                Range.create("(" + afterId, "+"),
                                io.lettuce.core.Limit.from(max)));
        List<ClientEvent> events = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> m : messages) {
            events.add(
                    new ClientEvent(m.getId(), m.getBody().get("t"), m.getBody().get("d")));
        }
        return events;
    }

    @Override
    public String tail(String clientId) {
        List<StreamMessage<String, String>> last = RedisConnections.call(
                "read a client's newest event",
                () -> redis.sync()
                        .xrevrange(
                                RedisKeys.clientEvents(clientId),
                                Range.create("-", "+"),
                                io.lettuce.core.Limit.from(1)));
        return last.isEmpty() ? EventIds.ZERO : last.getFirst().getId();
    }

    @Override
    public void onResubscribed(Consumer<String> listener) {
        resubscribeListeners.add(listener);
    }

    /**
     * Redis confirmed a subscription (on the connection's thread: nothing here waits for Redis). A log
     * subscribed again after its connection was re-made has its streams catch up, on a thread of their own.
     */
    private void confirmed(String channel) {
        // on the fan-out's own thread, before the announcements that follow the confirmation are dispatched: the
        // listeners hold those back until the log's streams have caught up (see ClientEventLog.onResubscribed)
        subscriptions.confirmed(channel).ifPresent(logKey -> resubscribeListeners.forEach(l -> l.accept(logKey)));
    }

    /**
     * A shard channel Redis dropped (its slot moved) is subscribed again while followed, a few times with a
     * growing pause: the first try may still reach the slot's former owner, before the topology is re-read.
     */
    private void subscribeAgain(String channel) {
        long pause = 100;
        for (int attempt = 0; attempt < RESUBSCRIBE_ATTEMPTS; attempt++) {
            Optional<java.util.concurrent.CompletableFuture<Void>> sent = subscriptions.dropped(channel);
            if (sent.isEmpty()) {
                return;
            }
            try {
                sent.get().get(redis.commandTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOGGER.log(Level.FINE, "subscribing a dropped shard channel again failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause *= 2;
        }
        LOGGER.warning("a followed log's announcements could not be subscribed again after its slot moved; its"
                + " streams receive it again when they reconnect");
    }

    @Override
    public void follow(String logKey) {
        subscriptions.follow(logKey);
    }

    @Override
    public void unfollow(String logKey) {
        subscriptions.unfollow(logKey);
    }

    @Override
    public int followedLogs() {
        return subscriptions.count();
    }

    @Override
    public void subscribe(BiConsumer<String, ClientEvent> listener) {
        listeners.add(listener);
    }

    private void dispatch(String announcement) {
        AnnouncedTrace traced = AnnouncedTrace.split(announcement);
        String[] parts = traced.message().split("\n", 4);
        if (parts.length != 4) {
            LOGGER.warning("ignored a malformed client event announcement");
            return;
        }
        ClientEvent event = new ClientEvent(parts[1], parts[2], parts[3]);
        // the publisher's span is the parent of the fan-out's (a root context when the event carries none)
        try (io.opentelemetry.context.Scope ignored = traced.context() == io.opentelemetry.context.Context.root()
                ? io.opentelemetry.context.Scope.noop()
                : traced.context().makeCurrent()) {
            for (BiConsumer<String, ClientEvent> listener : listeners) {
                try {
                    listener.accept(parts[0], event);
                } catch (RuntimeException e) {
                    LOGGER.log(Level.WARNING, "client event listener failed", e);
                }
            }
        }
    }

    /** @return how long a session's renewal stands here before its next use renews it again */
    Duration sessionRenewalInterval() {
        return renewals.interval();
    }

    /** @return this replica's id */
    public String replicaId() {
        return replicaId;
    }

    @Override
    public void close() {
        presence.close();
        directory.forgetThisReplica();
        redis.close();
    }
}
