package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionResponse;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.state.Leases;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.registry.FunctionRegistration;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A stateful function's own standalone GET stream, relayed into its client's session. While a client holds
 * a standalone (or HTTP+SSE) stream of the session on some replica, exactly one replica of the fleet holds
 * the function's stream: the one with the session's {@link dev.switchboard.gateway.state.Leases lease}.
 * Every replica that holds a client stream of the session tries to take the lease on each tick, so when the
 * holder dies another one takes the function's stream over once the lease lapses.
 *
 * <p>The holder notes with its lease which function session its stream is open for ({@link
 * dev.switchboard.gateway.state.Leases#note}), so that a request posted to another replica waits, briefly, for the
 * stream as one posted to the holder does ({@link #awaitOpen(McpSession)}): a function drops what it says on its
 * own while no stream of it is open (server-everything asks for roots while a tool runs), and a client's first
 * request can reach a replica before the one with its stream has opened the function's.
 *
 * <p>What arrives is appended to the session stream's log, from where it reaches the client on whichever
 * replica holds its stream. Server-to-client requests get gateway-minted ids that carry the function's own
 * id ({@link RelayedRequestIds}), so the client's answer, posted to any replica, goes back to the function
 * with its original id and the session's current backend session id.
 */
final class BackendStreamRelay implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(BackendStreamRelay.class.getName());
    /** Wait before opening the function's stream again after it ended or failed. */
    private static final long REOPEN_MILLIS = 500;
    /** How long a request waits for the function session's stream (a first one, or one re-initialized). */
    private static final Duration REOPEN_WAIT = Duration.ofSeconds(2);
    /** The holder's note when the function offers no standalone stream: nobody need wait for one. */
    static final String NO_STREAM = "-";
    /** How often a request on another replica than the holder reads the holder's note while it waits. */
    private static final long NOTE_POLL_MILLIS = 10;
    /** Sessions remembered as not to wait for (see {@link #settled}). */
    private static final int MAX_SETTLED = 65_536;
    /**
     * Longest gap between the periodic reads of a session not initialized yet. Its {@code INITIALIZED} signal has
     * it read at once; the periodic read only covers a signal lost while Redis was away.
     */
    private static final Duration UNINITIALIZED_READ_GAP = Duration.ofSeconds(60);

    private final McpBackend backend;
    private final StateStore state;
    private final FunctionCatalog catalog;
    private final BackendSessionRecovery recovery;
    private final String replicaId;
    private final Duration leaseTtl;
    /** The clock sessions are stamped with at {@code initialize} (a session's age is read on it). */
    private final java.time.Clock clock;

    private final Map<String, Watch> watched = new ConcurrentHashMap<>();
    /**
     * Sessions this replica relays requests of but not their function's stream, with the function session whose
     * stream it saw open (or for which it stopped waiting): later requests do not read the holder's note again.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, String> settled =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                    .maximumSize(MAX_SETTLED)
                    .build();

    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "switchboard-mcp-backend-streams");
        t.setDaemon(true);
        return t;
    });
    private final long tickMillis;
    /** {@link #UNINITIALIZED_READ_GAP} in ticks. */
    private final int maxReadGapTicks;
    /** The periodic tick, while any session is watched (guarded by {@code this}): an idle replica wakes for none. */
    private ScheduledFuture<?> ticking;
    /** Ticker thread only: ticks so far. */
    private long ticks;
    /** Ticker thread only: the watched sessions known to be stateful, whose lease each tick takes or renews. */
    private final Set<Watch> leasing = new HashSet<>();
    /**
     * Ticker thread only: sessions not known to be stateful yet, by the tick their next read is due. A tick visits
     * these and {@link #leasing}, not every session held: walking 10,000 idle HTTP+SSE streams cost it 3-4 ms each
     * time, and a stateless function's session held open is never visited again.
     */
    private final TreeMap<Long, List<Watch>> readsDue = new TreeMap<>();

    /** A session whose client streams this replica holds, and the function's stream if this replica relays it. */
    private static final class Watch {
        final String sessionId;
        final String logKey;
        int clientStreams;
        Thread reader;
        volatile FunctionResponse open;
        /** The function is stateless, or answered its GET with 405: it offers no standalone stream. */
        volatile boolean unsupported;
        /** The session has a function session (an HTTP+SSE session learns it only at its initialize). */
        volatile boolean stateful;
        /** Whether this replica holds the lease; null before its first try. */
        volatile Boolean leased;
        /** The function session whose stream is open now, else null. */
        volatile String openFor;
        /** Reader thread only: the function session whose stream gave {@link #resumeId}. */
        String resumeFor;
        /**
         * Reader thread only: the last event id the function's stream gave before it ended, sent as
         * {@code Last-Event-ID} when it is reopened for the same function session, so that what the function
         * kept for its stream meanwhile is replayed; null when there is none to resume from. A copy of the position
         * recorded in the store for whichever replica opens the stream next ({@link #resumeIdFor}).
         */
        String resumeId;
        /** Wakes the reader from its wait before reopening. */
        final java.util.concurrent.Semaphore wakeup = new java.util.concurrent.Semaphore(0);
        /** Ticker thread only: the tick at which the session, not initialized at its last read, is read again. */
        long nextRead = -1;
        /** Ticker thread only: the gap, in ticks, that followed the last read finding the session not initialized. */
        int readGap;
        /** Reader thread only: whether a dropped event of the function's stream was reported (once a watch). */
        boolean reportedDrop;

        Watch(String sessionId, String logKey) {
            this.sessionId = sessionId;
            this.logKey = logKey;
        }
    }

    BackendStreamRelay(
            McpBackend backend,
            StateStore state,
            FunctionCatalog catalog,
            BackendSessionRecovery recovery,
            String replicaId,
            Duration leaseTtl,
            java.time.Clock clock) {
        this.backend = backend;
        this.clock = clock;
        this.state = state;
        this.catalog = catalog;
        this.recovery = recovery;
        this.replicaId = replicaId;
        this.leaseTtl = leaseTtl;
        this.tickMillis = Math.max(100, leaseTtl.toMillis() / 3);
        this.maxReadGapTicks = (int) Math.max(1, UNINITIALIZED_READ_GAP.toMillis() / tickMillis);
        ticker.setRemoveOnCancelPolicy(true);
    }

    /** Starts the periodic tick when a session is watched, stops it when none is; called after each change. */
    private synchronized void tickWhileWatching() {
        if (watched.isEmpty()) {
            if (ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
        } else if (ticking == null && !ticker.isShutdown()) {
            ticking = ticker.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A session's function session was re-initialized: when this replica relays its stream, it opens the new
     * one at once and waits (briefly) until it is open, so that the retried request's own messages to the
     * client (the function asking for roots, say) find the stream there.
     */
    void reopen(McpSession session) {
        Watch watch = watched.get(session.id());
        if (watch == null || watch.reader == null || !watch.reader.isAlive()) {
            return;
        }
        watch.wakeup.release();
        if (Thread.currentThread() != watch.reader) { // the reader itself recovered: it reopens on its return
            awaitOpen(watch, session.backendSessionId());
        }
    }

    /**
     * Another replica re-initialized a session's function session (the {@code RECOVERED} session signal): when
     * this replica relays the function's stream, it reopens it for the session's current function session now,
     * instead of at its next retry; a stream still open for another function session (two replicas found the
     * session lost at once) is closed so that it is opened again for the one the store holds.
     *
     * @param sessionId the recovered session
     */
    void recoveredElsewhere(String sessionId) {
        Watch watch = watched.get(sessionId);
        if (watch == null || watch.reader == null) {
            return;
        }
        ticker.execute(() -> {
            try {
                String current = state.mcpSessions()
                        .peek(sessionId)
                        .map(McpSession::backendSessionId)
                        .orElse(null);
                FunctionResponse open = watch.open;
                String openFor = watch.openFor;
                if (open != null && openFor != null && !openFor.equals(current)) {
                    open.close();
                }
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not check a recovered session's stream", e);
            }
            watch.wakeup.release();
        });
    }

    /**
     * Before a request of a stateful session is relayed: when some replica relays (or is about to relay) the
     * function's stream of that session, waits briefly until it is open. A function sends its own requests
     * (roots/list while a tool runs) on that stream, and drops them when none is open.
     *
     * @param session the session
     */
    void awaitOpen(McpSession session) {
        if (session.backendSessionId() == null) {
            return; // a stateless function: it has no stream of its own
        }
        Watch watch = watched.get(session.id());
        if (watch != null) {
            awaitOpen(watch, session.backendSessionId());
        } else {
            awaitOpenElsewhere(session);
        }
    }

    /**
     * The stream is relayed by another replica, or by none. Reads the holder's note until it names this function
     * session, or says there is no stream, for {@link #REOPEN_WAIT} at most; then this replica waits no more for that
     * function session. With no lease, nothing is waited for, except in a session's first {@link #REOPEN_WAIT} when
     * its client takes requests from the server ({@link #expectsItsStream}): its stream may be on its way (the
     * TypeScript SDK sends its GET and its next request together), and what the function asks before that stream
     * is open is lost.
     */
    private void awaitOpenElsewhere(McpSession session) {
        String sessionId = session.id();
        String backendSessionId = session.backendSessionId();
        if (backendSessionId.equals(settled.getIfPresent(sessionId))) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + REOPEN_WAIT.toNanos();
        long unclaimedUntil = expectsItsStream(session)
                ? start + Math.max(0, REOPEN_WAIT.minus(sessionAge(session)).toNanos())
                : start;
        while (true) {
            Optional<Leases.Lease> lease;
            try {
                lease = state.leases().read(leaseName(sessionId));
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not read a backend stream lease", e);
                return;
            }
            if (lease.isEmpty()) {
                if (System.nanoTime() - unclaimedUntil >= 0) {
                    return;
                }
            } else {
                String note = lease.get().note();
                if (note.equals(backendSessionId) || note.equals(NO_STREAM) || System.nanoTime() - deadline >= 0) {
                    settled.put(sessionId, backendSessionId);
                    return;
                }
            }
            try {
                Thread.sleep(NOTE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * @return whether the session's client said it answers the server's own requests (roots, sampling, elicitation),
     *     so that it will open the stream they come on
     */
    private static boolean expectsItsStream(McpSession session) {
        JsonNode capabilities = session.clientCapabilities();
        return capabilities != null
                && (capabilities.has("roots") || capabilities.has("sampling") || capabilities.has("elicitation"));
    }

    private Duration sessionAge(McpSession session) {
        if (session.createdAt() == null) {
            return REOPEN_WAIT;
        }
        Duration age = Duration.between(session.createdAt(), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Tells the fleet, with the lease, what this replica's stream of the session is open for now. */
    private void note(Watch watch, String what) {
        try {
            state.leases().note(leaseName(watch.sessionId), replicaId, what);
        } catch (RuntimeException e) {
            // the store is down: a request elsewhere waits no longer than REOPEN_WAIT
            LOGGER.log(Level.FINE, "could not note a backend stream lease", e);
        }
    }

    private void awaitOpen(Watch watch, String backendSessionId) {
        long deadline = System.nanoTime() + REOPEN_WAIT.toNanos();
        while (!backendSessionId.equals(watch.openFor)
                && System.nanoTime() < deadline
                && !watch.unsupported
                && !Boolean.FALSE.equals(watch.leased)
                && watched.get(watch.sessionId) == watch) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A client stream of a session opened on this replica.
     *
     * @param session the session
     * @param logKey  the log its client stream reads
     */
    void watch(McpSession session, String logKey) {
        if (session.backendSessionId() == null && session.initialized()) {
            return; // initialized with a stateless function
        }
        Watch watch = watched.compute(session.id(), (id, w) -> {
            Watch next = w != null ? w : new Watch(id, logKey);
            next.clientStreams++;
            next.stateful |= session.backendSessionId() != null;
            return next;
        });
        tickWhileWatching();
        if (watch.stateful && watch.leased == null) {
            claimBeforeAnswering(watch);
        }
        ticker.execute(() -> learn(watch));
    }

    /**
     * The first try for the lease of a stateful session's new client stream, on the caller's thread, before the
     * client's GET is answered: a client sends its next request as soon as its stream is answered (the TypeScript
     * SDK at the same moment), often to another replica, which waits for the function's stream only once it sees a
     * lease ({@link #awaitOpenElsewhere}). Taken later, on the ticker, the lease could come after that request had
     * been relayed, and what the function asked while it ran, on a stream not open yet, was lost. The ticker then
     * renews it and opens the function's stream.
     */
    private void claimBeforeAnswering(Watch watch) {
        try {
            watch.leased = state.leases().acquire(leaseName(watch.sessionId), replicaId, leaseTtl);
        } catch (RuntimeException e) {
            // the store is down: the ticker tries again
            LOGGER.log(Level.FINE, "could not take a backend stream lease", e);
        }
    }

    /**
     * An HTTP+SSE session was initialized, on this replica or another (its POST may land anywhere: the
     * {@code INITIALIZED} session signal tells the fleet): when this replica holds its client stream, it reads
     * the session now, on its own thread, and learns whether the function is stateful before the function
     * speaks (server-everything asks for roots 350 ms after {@code notifications/initialized}), rather than
     * on its next tick, a third of {@code MCP_BACKEND_LEASE} away.
     *
     * @param sessionId the initialized session
     */
    void initialized(String sessionId) {
        Watch watch = watched.get(sessionId);
        if (watch != null) {
            ticker.execute(() -> learn(watch));
        }
    }

    /**
     * A client stream of a session on this replica ended.
     *
     * @param sessionId the session
     */
    void unwatch(String sessionId) {
        Watch[] ended = new Watch[1];
        watched.computeIfPresent(sessionId, (id, w) -> {
            if (--w.clientStreams > 0) {
                return w;
            }
            ended[0] = w;
            return null;
        });
        tickWhileWatching();
        if (ended[0] != null) {
            ticker.execute(() -> stop(ended[0], true));
        }
    }

    /** Ticker thread: the leases of the stateful sessions, then the reads that are due. */
    private void tick() {
        ticks++;
        leasing.removeIf(watch -> !takeOrRenewLease(watch));
        Map.Entry<Long, List<Watch>> due;
        while ((due = readsDue.firstEntry()) != null && due.getKey() <= ticks) {
            readsDue.pollFirstEntry();
            for (Watch watch : due.getValue()) {
                if (watch.nextRead == due.getKey()) { // else read since, and filed again
                    learn(watch);
                }
            }
        }
    }

    /**
     * Ticker thread: reads a session not known to be stateful, at once when its client stream opened or its
     * initialize was signalled, else when its read is due; a stateful one's lease is taken at once and then on
     * every tick. A session not initialized yet is read again after 1, 2, 4... ticks, at most {@link
     * #UNINITIALIZED_READ_GAP} apart: its {@code INITIALIZED} signal has it read at once, so the periodic read only
     * makes up for a lost signal, and a stream whose client never initializes (an idle or abandoned HTTP+SSE
     * stream) costs the store a read a minute, not one a tick.
     */
    private void learn(Watch watch) {
        if (watched.get(watch.sessionId) != watch || watch.unsupported) {
            return;
        }
        watch.nextRead = -1;
        if (watch.stateful || learnStateful(watch)) {
            leasing.add(watch);
            if (!takeOrRenewLease(watch)) {
                leasing.remove(watch);
            }
        } else if (!watch.unsupported) {
            watch.readGap = Math.min(maxReadGapTicks, Math.max(1, watch.readGap * 2));
            watch.nextRead = ticks + watch.readGap;
            readsDue.computeIfAbsent(watch.nextRead, t -> new ArrayList<>()).add(watch);
        }
    }

    /**
     * Ticker thread: takes or renews the lease of a stateful session; starts relaying when it is ours, stops when
     * it is not.
     *
     * @return false when the session needs no lease any more (its streams here ended, or the function offers none)
     */
    private boolean takeOrRenewLease(Watch watch) {
        if (watched.get(watch.sessionId) != watch || watch.unsupported) {
            return false;
        }
        boolean held;
        try {
            held = state.leases().acquire(leaseName(watch.sessionId), replicaId, leaseTtl);
        } catch (RuntimeException e) {
            // the store is down: keep what runs; the lease lapses on its own if this lasts
            LOGGER.log(Level.FINE, "could not take or renew a backend stream lease", e);
            return true;
        }
        watch.leased = held;
        if (!held) {
            stop(watch, false);
        } else if ((watch.reader == null || !watch.reader.isAlive()) && !watch.unsupported) {
            watch.reader = Thread.ofVirtual()
                    .name("mcp-backend-stream-" + watch.sessionId)
                    .start(() -> read(watch));
        }
        return true;
    }

    /** @return whether the session, not initialized when its stream opened, turned out to be stateful */
    private boolean learnStateful(Watch watch) {
        try {
            Optional<McpSession> session = state.mcpSessions().peek(watch.sessionId);
            if (session.isEmpty()) {
                return false; // not saved yet, or ended (its client stream ends then)
            }
            if (session.get().initialized() && session.get().backendSessionId() == null) {
                watch.unsupported = true;
            } else if (session.get().backendSessionId() != null) {
                watch.stateful = true;
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not read a session", e);
        }
        return watch.stateful;
    }

    private void stop(Watch watch, boolean release) {
        Thread reader = watch.reader;
        if (reader != null) {
            reader.interrupt();
            FunctionResponse open = watch.open;
            if (open != null) {
                try {
                    open.close();
                } catch (RuntimeException e) {
                    LOGGER.log(Level.FINE, "closing a backend stream", e);
                }
            }
        }
        if (release) {
            try {
                state.leases().release(leaseName(watch.sessionId), replicaId);
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "could not release a backend stream lease; it lapses", e);
            }
        }
    }

    /**
     * Holds the function's stream open for as long as this replica relays it, opening it again when it ends; a function
     * that offers none (405, or an answer that is no stream) is not asked again for the session.
     */
    private void read(Watch watch) {
        while (!Thread.currentThread().isInterrupted() && watched.get(watch.sessionId) == watch && !watch.unsupported) {
            Optional<McpSession> session = state.mcpSessions().peek(watch.sessionId);
            Optional<FunctionRegistration> function = session.flatMap(s -> catalog.find(s.function()));
            if (session.isEmpty() || function.isEmpty() || session.get().backendSessionId() == null) {
                return; // the session ended: its client streams end too
            }
            try {
                relayOnce(watch, session.get(), function.get());
            } catch (RuntimeException | java.io.IOException e) {
                LOGGER.log(Level.FINE, "backend stream of session " + watch.sessionId + " ended", e);
            }
            try {
                watch.wakeup.tryAcquire(REOPEN_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void relayOnce(Watch watch, McpSession session, FunctionRegistration function) throws java.io.IOException {
        Map<String, String> headers = BackendHeaders.forSession(session);
        String resumeId = resumeIdFor(watch, session);
        if (resumeId != null) {
            headers.put("Last-Event-ID", resumeId);
        }
        try (FunctionResponse response = backend.openStream(function, headers, leaseTtl.multipliedBy(1000))) {
            watch.open = response;
            int status = response.status();
            if (status == 405) {
                watch.unsupported = true;
                note(watch, NO_STREAM);
                return;
            }
            if (status >= 400) {
                if (resumeId != null) {
                    // a function that cannot resume from that id (its store forgot it) opens afresh next time
                    resumeAfter(watch, session, "");
                }
                JsonNode error = null;
                try {
                    error = Json.MAPPER.readTree(response.body().readNBytes(64 * 1024));
                } catch (java.io.IOException | RuntimeException e) {
                    LOGGER.log(Level.FINE, "unreadable refusal of a backend stream", e);
                }
                if (BackendSessionRecovery.isLost(status, error)) {
                    recovery.recover(function, session, session.backendSessionId());
                }
                return;
            }
            if (!response.header("Content-Type").orElse("").startsWith("text/event-stream")) {
                watch.unsupported = true; // an answer, but no stream: nothing to relay
                note(watch, NO_STREAM);
                return;
            }
            watch.openFor = session.backendSessionId();
            note(watch, session.backendSessionId());
            // a message's bytes count in MAX_RESPONSE_BYTES_IN_FLIGHT until it is relayed; one that does not fit
            // drops the stream, which is opened again
            try (ResponseBudget.Reservation bytes = backend.budget().open();
                    InputStream in = bytes.meter(response.body())) {
                SseEventReader events = new SseEventReader(in, backend.maxMessageSize());
                byte[] data;
                while ((data = events.nextDataBytes()) != null) {
                    if (!SseEventReader.isBlank(data)) {
                        relay(watch, function, data);
                    }
                    resumeAfter(watch, session, events.lastEventId());
                    bytes.releaseAll();
                }
                // the stream ended cleanly: ids of events with no data (a priming event) count too
                resumeAfter(watch, session, events.lastEventId());
            }
        } finally {
            watch.open = null;
            if (watch.openFor != null) {
                watch.openFor = null;
                note(watch, "");
            }
        }
    }

    /**
     * @return the id to resume the function session's stream after, else null: the store's position (the fleet's
     *     latest: another replica may have relayed the stream since this one did, or this one before the session's
     *     client streams all ended and its watch went); this replica's own copy only when the store cannot be read
     */
    private String resumeIdFor(Watch watch, McpSession session) {
        String backendSession = session.backendSessionId();
        try {
            watch.resumeId = state.mcpSessions()
                    .backendStreamPosition(session.id())
                    .filter(p -> p.backendSessionId().equals(backendSession))
                    .map(McpSessionStore.BackendStreamPosition::eventId)
                    .orElse(null);
            watch.resumeFor = backendSession;
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not read a function stream's position; this replica's own is used", e);
        }
        return backendSession.equals(watch.resumeFor) ? watch.resumeId : null;
    }

    /**
     * Once an event is relayed (published to the session's log), the function's stream may resume after it: noted
     * here and, when it moved, in the store (one write per event that carries a new id; an event relayed just before
     * this replica died is relayed again by the next one, rather than lost).
     *
     * @param id the stream's last event id ("" resets it, as in a browser), or null when it gave none yet
     */
    private void resumeAfter(Watch watch, McpSession session, String id) {
        if (id == null) {
            return;
        }
        String next = id.isEmpty() ? null : id;
        String backendSession = session.backendSessionId();
        if (backendSession.equals(watch.resumeFor) && java.util.Objects.equals(next, watch.resumeId)) {
            return;
        }
        watch.resumeFor = backendSession;
        watch.resumeId = next;
        try {
            state.mcpSessions()
                    .relayedBackendStream(
                            session.id(),
                            next == null ? null : new McpSessionStore.BackendStreamPosition(backendSession, next));
        } catch (RuntimeException e) {
            // the store is down: this replica still resumes from its own copy
            LOGGER.log(Level.FINE, "could not record a function stream's position", e);
        }
    }

    /**
     * Relays one event of the function's standalone stream, when it is what such a stream may carry: a request or a
     * notification (the transports spec sends no response on it, unless the client resumes that request's own
     * stream). A response there, as a function's event store replaying its other streams sends, would settle one
     * of the client's own requests with another request's answer; it is dropped, as is what is not JSON-RPC.
     */
    private void relay(Watch watch, FunctionRegistration function, byte[] data) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(data);
        } catch (java.io.IOException e) {
            message = null;
        }
        if (message == null || !isServerMessage(message)) {
            if (!watch.reportedDrop) {
                watch.reportedDrop = true;
                LOGGER.log(
                        Level.INFO,
                        "dropped an event of function {0}''s own stream for session {1}: not a JSON-RPC request or "
                                + "notification (a response, or not JSON-RPC); further ones are dropped quietly",
                        new Object[] {function.name(), watch.sessionId});
            } else {
                LOGGER.fine("dropped an event of a function's own stream: not a request or notification");
            }
            return;
        }
        relay(watch, message);
    }

    /** @return whether a function may send this on its standalone stream: a well-formed request or notification */
    static boolean isServerMessage(JsonNode message) {
        return message.isObject()
                && message.path("method").isTextual()
                && JsonRpc.envelopeProblem(message).isEmpty();
    }

    private void relay(Watch watch, JsonNode message) {
        JsonNode forClient = message;
        if (JsonRpc.isRequest(message)) {
            ObjectNode copy = message.deepCopy();
            copy.put("id", RelayedRequestIds.mint(message.get("id")));
            forClient = copy;
        }
        state.events().publish(watch.logKey, "message", Json.write(forClient));
    }

    private static String leaseName(String sessionId) {
        return "mcp-backend-stream:" + sessionId;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        watched.values().forEach(w -> stop(w, true));
        watched.clear();
    }
}
