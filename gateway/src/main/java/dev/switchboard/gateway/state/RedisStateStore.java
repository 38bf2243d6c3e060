package dev.switchboard.gateway.state;

import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisFunctionStore;
import dev.switchboard.registry.RedisKeys;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 * fan-out, {@link LogSubscriptions}). MCP sessions and their signals ({@link RedisMcpSessions}), leases
 * ({@link RedisLeases}) and the connection directory ({@link RedisConnectionDirectory}: one hash per replica that
 * expires when the replica stops refreshing it) are parts of their own; this store's subscriber hands each part
 * its messages.
 */
public final class RedisStateStore implements StateStore, ClientEventLog {
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

    /** Tries to subscribe again to a shard channel whose slot moved. */
    private static final int RESUBSCRIBE_ATTEMPTS = 6;

    private final RedisConnections redis;
    private final RedisFunctionStore functions;
    private final List<BiConsumer<String, ClientEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> resubscribeListeners = new CopyOnWriteArrayList<>();
    /** Whether the first subscription was confirmed: later confirmations are re-subscriptions. */
    private final java.util.concurrent.atomic.AtomicBoolean subscribedOnce =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** The logs this replica follows, one announcement channel each. */
    private final LogSubscriptions subscriptions;
    /** The append script, announcing with {@code SPUBLISH} on a Cluster (the channel lives on the log's shard). */
    private final RedisScript appendScript;

    private final String replicaId;

    private final int maxLength;
    private final Duration ttl;
    private final FleetSnapshots snapshots;
    private final RedisMcpPushIndex mcpPush;
    private final RedisMcpSessions sessions;
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
        this.maxLength = maxLength;
        this.ttl = ttl;
        this.snapshots = new RedisFleetSnapshots(redis, clock);
        this.mcpPush = new RedisMcpPushIndex(redis, sessionTtl);
        this.sessions = new RedisMcpSessions(redis, replicaId, sessionTtl, mcpPush);
        boolean sharded = redis.isCluster();
        this.appendScript = new RedisScript(sharded ? APPEND.replace("'PUBLISH'", "'SPUBLISH'") : APPEND);
        this.subscriptions = new LogSubscriptions(new AnnouncementChannels(redis, sharded), redis.commandTimeout());
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void subscribed(String channel, long count) {
                // Lettuce re-subscribes by itself after a reconnect and confirms it here; the signals channel is
                // always subscribed, so its confirmation tells that the connection was re-made
                if (sessions.channel().equals(channel)) {
                    if (!subscribedOnce.compareAndSet(false, true)) {
                        // signals sent while the connection was down are lost: sessions are read afresh
                        sessions.signalsMissed();
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
                if (sessions.channel().equals(channel)) {
                    sessions.dispatchSignal(message);
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
            redis.pubSub().sync().subscribe(sessions.channel());
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
        return sessions;
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
    public Leases leases() {
        return leases;
    }

    @Override
    public SessionSignals signals() {
        return sessions;
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
        return sessions.renewalInterval();
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
