package dev.switchboard.gateway.state;

import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InMemoryFunctionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * State kept in this process only: the embedded default when no Redis is configured. One replica;
 * nothing survives a restart.
 */
public final class MemoryStateStore implements StateStore, ClientEventLog, McpSessionStore, SessionSignals {
    private static final Duration LOG_FILING_HORIZON = Duration.ofMinutes(1);
    private final InMemoryFunctionStore functions;
    private final Map<String, ClientLog> logs = new ConcurrentHashMap<>();
    private final Map<String, Expiring<McpSession>> sessions = new ConcurrentHashMap<>();
    /** Sessions by id, and logs, filed by deadline: {@link #sweep} visits those due, not all of them. */
    private final ExpiryIndex<String> sessionExpiries = new ExpiryIndex<>(null);
    /**
     * A log's deadline moves earlier when an answered MCP call shortens it: its first filing, an hour ahead, would
     * hold the retired log that long, so logs are filed a minute ahead at most.
     */
    private final ExpiryIndex<ClientLog> logExpiries = new ExpiryIndex<>(LOG_FILING_HORIZON);
    /** By session id; dropped with the session (when it ends, or by {@link #sweep} once it expired). */
    private final Map<String, BackendStreamPosition> backendStreams = new ConcurrentHashMap<>();

    private final MemoryLeases leases;
    private final MemoryConnectionDirectory directory = new MemoryConnectionDirectory(this::sweep);
    private final List<BiConsumer<String, ClientEvent>> listeners = new CopyOnWriteArrayList<>();
    /** The logs followed here: in process, a subscription is made at once and never lost. */
    private final LogSubscriptions subscriptions = new LogSubscriptions(
            new LogSubscriptions.Channels() {
                @Override
                public String channel(String logKey) {
                    return logKey;
                }

                @Override
                public java.util.concurrent.CompletableFuture<Void> subscribe(String channel) {
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }

                @Override
                public java.util.concurrent.CompletableFuture<Void> unsubscribe(String channel) {
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                }
            },
            Duration.ofSeconds(1));

    private final List<java.util.function.Consumer<SessionSignal>> signalListeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final int maxLength;
    private final Duration ttl;
    private final Duration sessionTtl;
    private final FleetSnapshots snapshots;
    private final MemoryMcpPushIndex mcpPush = new MemoryMcpPushIndex(this::peek);
    /** The events' bytes all logs hold, as estimated, and the oldest evicted past their bound. */
    private final MemoryLogBytes bytes;

    private long lastMillis;
    private long sequence;

    /**
     * A store without a bound on its events' bytes (tests).
     *
     * @param clock     time source for ids and expiry
     * @param maxLength events kept per client
     * @param ttl       how long an idle client's log is kept
     * @param sessionTtl how long an idle MCP session is kept
     */
    public MemoryStateStore(Clock clock, int maxLength, Duration ttl, Duration sessionTtl) {
        this(clock, maxLength, ttl, sessionTtl, Long.MAX_VALUE);
    }

    /**
     * @param clock     time source for ids and expiry
     * @param maxLength events kept per client
     * @param ttl       how long an idle client's log is kept
     * @param sessionTtl how long an idle MCP session is kept
     * @param maxBytes  event bytes all logs keep, as estimated ({@code MEMORY_STORE_MAX_BYTES}): past it the oldest
     *                  events go first, whichever log holds them
     */
    public MemoryStateStore(Clock clock, int maxLength, Duration ttl, Duration sessionTtl, long maxBytes) {
        this.bytes = new MemoryLogBytes(maxBytes);
        this.clock = clock;
        this.maxLength = maxLength;
        this.ttl = ttl;
        this.sessionTtl = sessionTtl;
        this.functions = new InMemoryFunctionStore(clock);
        this.snapshots = new MemoryFleetSnapshots(clock);
        this.leases = new MemoryLeases(clock);
    }

    @Override
    public String kind() {
        return "memory";
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
    public McpPushIndex mcpPush() {
        return mcpPush;
    }

    @Override
    public void save(McpSession session) {
        if (sessions.put(session.id(), new Expiring<>(session, clock.millis() + sessionTtl.toMillis())) == null) {
            sessionExpiries.file(session.id());
        }
    }

    @Override
    public void saveNew(McpSession session, String server) {
        save(session);
        mcpPush.joined(server, session.id());
    }

    @Override
    public Optional<McpSession> find(String id) {
        long now = clock.millis();
        Expiring<McpSession> found = sessions.computeIfPresent(
                id, (k, e) -> e.expiresAt() <= now ? null : new Expiring<>(e.value(), now + sessionTtl.toMillis()));
        return Optional.ofNullable(found).map(Expiring::value);
    }

    @Override
    public Optional<McpSession> replaceBackendSession(String id, String lostId, String freshId) {
        long now = clock.millis();
        Expiring<McpSession> stored = sessions.computeIfPresent(id, (k, e) -> {
            if (e.expiresAt() <= now) {
                return null;
            }
            return lostId.equals(e.value().backendSessionId())
                    ? new Expiring<>(e.value().withBackendSessionId(freshId), now + sessionTtl.toMillis())
                    : e;
        });
        return Optional.ofNullable(stored).map(Expiring::value);
    }

    @Override
    public Optional<McpSession> peek(String id) {
        Expiring<McpSession> found = sessions.get(id);
        return found == null || found.expiresAt() <= clock.millis() ? Optional.empty() : Optional.of(found.value());
    }

    @Override
    public boolean delete(String id) {
        mcpPush.ended(id);
        backendStreams.remove(id);
        return sessions.remove(id) != null;
    }

    @Override
    public void relayedBackendStream(String id, BackendStreamPosition position) {
        if (position == null) {
            backendStreams.remove(id);
        } else {
            backendStreams.put(id, position);
        }
    }

    @Override
    public Optional<BackendStreamPosition> backendStreamPosition(String id) {
        return peek(id).isEmpty() ? Optional.empty() : Optional.ofNullable(backendStreams.get(id));
    }

    @Override
    public Leases leases() {
        return leases;
    }

    @Override
    public long count() {
        sessionExpiries.sweep(clock.millis(), this::expireOrDeadline);
        return sessions.size();
    }

    @Override
    public List<McpSession> list(int max) {
        long now = clock.millis();
        return sessions.values().stream()
                .filter(e -> e.expiresAt() > now)
                .map(Expiring::value)
                .sorted(Comparator.comparing(McpSession::createdAt))
                .limit(max)
                .toList();
    }

    @Override
    public SessionSignals signals() {
        return this;
    }

    @Override
    public void send(SessionSignal signal) {
        signalListeners.forEach(l -> l.accept(signal));
    }

    @Override
    public void subscribe(java.util.function.Consumer<SessionSignal> listener) {
        signalListeners.add(listener);
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
        return new StoreHealth(true, "in-memory state (single replica)");
    }

    @Override
    public ClientEvent publish(String clientId, String type, String data) {
        return append(clientId, List.of(new Pending(type, data, null)), ttl)
                .getFirst()
                .event();
    }

    @Override
    public ClientEvent publish(String logKey, String type, String data, Duration keptFor) {
        return append(logKey, List.of(new Pending(type, data, null)), keptFor)
                .getFirst()
                .event();
    }

    @Override
    public List<Appended> publishAll(String logKey, List<Pending> batch) {
        return append(logKey, batch, ttl).stream()
                .map(s -> new Appended(s.event().id(), s.duplicate()))
                .toList();
    }

    private record Stored(ClientEvent event, boolean duplicate) {}

    /** Appends the events under the log's lock: next to each other, as Redis's append script does. */
    private List<Stored> append(String clientId, List<Pending> batch, Duration keptFor) {
        List<Stored> stored = appendToCurrentLog(clientId, batch, keptFor);
        if (bytes.over()) {
            // outside the log's lock: the eviction takes the other logs' locks, one at a time
            evictOldest();
        }
        return stored;
    }

    private List<Stored> appendToCurrentLog(String clientId, List<Pending> batch, Duration keptFor) {
        while (true) {
            ClientLog log = logs.computeIfAbsent(clientId, id -> newLog(id, keptFor));
            synchronized (log) {
                // an expired log is replaced, never revived (as Redis would have deleted the key); one retired
                // while this thread waited for its lock is no longer the client's log: take the current one
                if (log.retired || retireIfExpired(clientId, log)) {
                    continue;
                }
                List<Stored> stored = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    stored.add(appendLocked(clientId, log, p, keptFor));
                }
                return stored;
            }
        }
    }

    /**
     * Past the bound on the events' bytes, removes the oldest events of all logs, oldest first, until a quarter of
     * the bound is free again (so that not every append evicts). One thread evicts at a time; the others append on.
     */
    private void evictOldest() {
        if (!bytes.startEviction()) {
            return;
        }
        try {
            PriorityQueue<Oldest> queue = new PriorityQueue<>();
            for (ClientLog log : logs.values()) {
                Oldest oldest = Oldest.of(log);
                if (oldest != null) {
                    queue.add(oldest);
                }
            }
            int evicted = 0;
            Oldest next;
            while (bytes.aboveEvictionTarget() && (next = queue.poll()) != null) {
                synchronized (next.log) {
                    ClientEvent first = next.log.events.peekFirst();
                    if (first == null || next.log.retired) {
                        continue;
                    }
                    if (first.id().equals(next.id)) {
                        next.log.events.removeFirst();
                        long size = MemoryLogBytes.of(first);
                        next.log.bytes -= size;
                        bytes.removed(size);
                        evicted++;
                    }
                }
                Oldest after = Oldest.of(next.log);
                if (after != null) {
                    queue.add(after);
                }
            }
            bytes.evicted(evicted);
        } finally {
            bytes.endEviction();
        }
    }

    /** A log and the id of its oldest event, ordered by that id: the eviction's queue. */
    private record Oldest(ClientLog log, String id) implements Comparable<Oldest> {
        static Oldest of(ClientLog log) {
            synchronized (log) {
                ClientEvent first = log.events.peekFirst();
                return first == null || log.retired ? null : new Oldest(log, first.id());
            }
        }

        @Override
        public int compareTo(Oldest other) {
            return EventIds.compare(id, other.id);
        }
    }

    private Stored appendLocked(String clientId, ClientLog log, Pending p, Duration keptFor) {
        // a delivery token guards against a lost reply, which this store cannot have: it is not kept
        String publishId = p.idKeptFor() == null ? p.publishId() : null;
        String prior = publishId == null ? null : log.storedAs(publishId);
        if (prior != null) {
            return new Stored(new ClientEvent(prior, p.type(), p.data()), true);
        }
        ClientEvent event = new ClientEvent(nextId(), p.type(), p.data());
        if (publishId != null) {
            log.stored(publishId, event.id());
        }
        log.events.addLast(event);
        long size = MemoryLogBytes.of(event);
        log.bytes += size;
        bytes.added(size);
        while (log.events.size() > maxLength) {
            long trimmed = MemoryLogBytes.of(log.events.removeFirst());
            log.bytes -= trimmed;
            bytes.removed(trimmed);
        }
        // each append sets how long the log outlives it: an answered MCP stream's last one shortens it, and the
        // log is filed again under the earlier deadline
        long filedFor = log.expiresAtMillis;
        log.expiresAtMillis = clock.millis() + keptFor.toMillis();
        if (log.expiresAtMillis < filedFor) {
            logExpiries.file(log);
        }
        // dispatched under the log's lock, as Redis publishes inside the append script: a stream skips an id not
        // after the last it wrote, so out-of-order dispatch would lose an event; announced only when followed, as
        // Redis announces only to the replicas subscribed to the log
        if (subscriptions.isFollowed(clientId)) {
            listeners.forEach(l -> l.accept(clientId, event));
        }
        return new Stored(event, false);
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public List<ClientEvent> readAfter(String clientId, String afterId, int max) {
        ClientLog log = liveLog(clientId);
        if (log == null) {
            return List.of();
        }
        List<ClientEvent> result = new ArrayList<>();
        synchronized (log) {
            for (ClientEvent e : log.events) {
                if (EventIds.compare(e.id(), afterId) > 0) {
                    result.add(e);
                    if (result.size() == max) {
                        break;
                    }
                }
            }
        }
        return result;
    }

    @Override
    public String tail(String clientId) {
        ClientLog log = liveLog(clientId);
        if (log == null) {
            return EventIds.ZERO;
        }
        synchronized (log) {
            return log.events.isEmpty() ? EventIds.ZERO : log.events.getLast().id();
        }
    }

    @Override
    public void onResubscribed(java.util.function.Consumer<String> listener) {
        // in-process fan-out never loses its subscription
    }

    @Override
    public void subscribe(BiConsumer<String, ClientEvent> listener) {
        listeners.add(listener);
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

    /**
     * Lets go of the logs and sessions that expired (Redis expires its keys itself), on the directory's refresh: the
     * housekeeping clock's beat ({@link MemoryConnectionDirectory}).
     */
    private void sweep() {
        long now = clock.millis();
        logExpiries.sweep(now, this::expireOrDeadline);
        sessionExpiries.sweep(now, this::expireOrDeadline);
        // positions are kept for stateful sessions only: few, and one may outlive a session that find() expired
        backendStreams.keySet().removeIf(id -> !sessions.containsKey(id));
    }

    /** The session's part in a sweep ({@link ExpiryIndex.Deadlines}). */
    private long expireOrDeadline(String sessionId, long now) {
        // one atomic step: a save() between reading an expired record and removing it would otherwise leave the
        // saved session unfiled, never swept and counted by count() for good
        Expiring<McpSession> kept = sessions.computeIfPresent(sessionId, (id, e) -> e.expiresAt() <= now ? null : e);
        return kept == null ? -1 : kept.expiresAt();
    }

    /** The log's part in a sweep ({@link ExpiryIndex.Deadlines}). */
    private long expireOrDeadline(ClientLog log, long now) {
        synchronized (log) {
            return log.retired || retireIfExpired(log.clientId, log) ? -1 : log.expiresAtMillis;
        }
    }

    /** A new client log, filed by its deadline. */
    private ClientLog newLog(String clientId, Duration keptFor) {
        ClientLog log = new ClientLog(clientId, clock.millis() + keptFor.toMillis());
        logExpiries.file(log);
        return log;
    }

    /** @return the bytes the logs' events hold, as estimated (a test's view of the bound) */
    long heldEventBytes() {
        return bytes.held();
    }

    /** @return logs held, expired or not (a test's view of what the sweeps let go of) */
    int logsHeld() {
        return logs.size();
    }

    /** @return filings of logs (a test's view: a log may be filed twice for a while) */
    int logsFiled() {
        return logExpiries.size();
    }

    /** @return sessions held, expired or not */
    int sessionsHeld() {
        return sessions.size();
    }

    @Override
    public void close() {
        functions.close();
        listeners.clear();
        signalListeners.clear();
    }

    private ClientLog liveLog(String clientId) {
        ClientLog log = logs.get(clientId);
        if (log == null) {
            return null;
        }
        synchronized (log) {
            return log.retired || retireIfExpired(clientId, log) ? null : log;
        }
    }

    /**
     * Removes an idle log from the map, marking it retired so that a publisher holding it starts a new one
     * rather than append where no reader looks. Called with the log's lock held: the log's lock is taken
     * before the map's, never inside a map computation, so the two cannot deadlock.
     *
     * @return whether the log had expired
     */
    private boolean retireIfExpired(String clientId, ClientLog log) {
        if (log.expiresAtMillis >= clock.millis()) {
            return false;
        }
        log.retired = true;
        logs.remove(clientId, log);
        // nobody reads a retired log, but a filing of it may hold it for a while yet (ExpiryIndex)
        log.events.clear();
        bytes.removed(log.bytes);
        log.bytes = 0;
        log.published = null;
        return true;
    }

    /** Ids in the Redis Streams form, increasing even when the clock stalls or steps back. */
    private synchronized String nextId() {
        long now = clock.millis();
        if (now > lastMillis) {
            lastMillis = now;
            sequence = 0;
        } else {
            sequence++;
        }
        return lastMillis + "-" + sequence;
    }

    private record Expiring<T>(T value, long expiresAt) {}

    /** A client's events; every field is guarded by the log's own lock. */
    private final class ClientLog {
        /** Sized for the many logs of one or two events (an MCP POST stream's); grows as a client's log fills. */
        private final Deque<ClientEvent> events = new ArrayDeque<>(2);
        /**
         * Publish ids to the events they were stored as: as many as the log keeps events, gone with the log; made
         * at the first publish id, as most logs never see one.
         */
        private Map<String, String> published;

        private final String clientId;
        private long expiresAtMillis;
        /** What its events hold, as {@link MemoryLogBytes#of} estimates. */
        private long bytes;
        /** Removed from the map: whoever still holds it must look the client's log up again. */
        private boolean retired;

        /** @param expiresAtMillis as after an append, so a log is never expired before its first event */
        private ClientLog(String clientId, long expiresAtMillis) {
            this.clientId = clientId;
            this.expiresAtMillis = expiresAtMillis;
        }

        /** @return the id the publish id was stored as, or null */
        private String storedAs(String publishId) {
            return published == null ? null : published.get(publishId);
        }

        private void stored(String publishId, String eventId) {
            if (published == null) {
                published = new java.util.LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                        return size() > maxLength;
                    }
                };
            }
            published.put(publishId, eventId);
        }
    }
}
