package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.ConnectionDirectory;
import dev.switchboard.gateway.state.FleetSnapshots;
import dev.switchboard.gateway.state.Leases;
import dev.switchboard.gateway.state.McpPushIndex;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.gateway.state.SessionSignals;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.registry.FunctionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a session whose client stream is held but which is not initialized yet (an HTTP+SSE stream before its
 * {@code initialize}) costs the store: the relay reads it at once, then after 1, 2, 4... ticks, so an idle or
 * abandoned stream is not read every tick for as long as it stays open; the {@code INITIALIZED} signal still has it
 * read at once, and a session initialized while its signal was lost is still learned at the next read due.
 */
class BackendStreamRelayReadsTest {
    /** The shortest lease the settings allow: ticks of 100 ms. */
    private static final Duration LEASE = Duration.ofMillis(300);

    private final PeriodicWork work = new PeriodicWork("test-relay-reads");
    private final FunctionEngine engine = new FunctionEngine(EgressPolicy.allowing(List.of("127.0.0.0/8")));
    private StateStore store;
    private CountingStore counted;
    private BackendStreamRelay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        engine.close();
        work.close();
        if (store != null) {
            store.close();
        }
    }

    private void start(String kind) {
        store = kind.equals("redis")
                ? TestStores.redis("replica-a")
                : new MemoryStateStore(Clock.systemUTC(), 100, Duration.ofHours(1), Duration.ofMinutes(30));
        counted = new CountingStore(store);
        McpBackend backend = new McpBackend(1 << 20, new ResponseBudget(1 << 20), engine);
        relay = new BackendStreamRelay(
                backend,
                counted,
                new FunctionCatalog(store.functions(), work),
                new BackendSessionRecovery(
                        backend,
                        counted.mcpSessions(),
                        store.leases(),
                        "replica-a",
                        new BackendSessionRestore(backend, store.mcpPush())),
                "replica-a",
                LEASE,
                Clock.systemUTC());
    }

    @ParameterizedTest(name = "{0} store")
    @ValueSource(strings = {"memory", "redis"})
    void aSessionNotInitializedIsReadLessAndLessOften(String kind) throws InterruptedException {
        McpSession session = watchedUninitialized(kind);
        Thread.sleep(3_000);

        // 30 ticks: read when the stream opened, then at ticks 1, 3, 7, 15 and 31 at the most (one a tick before)
        assertThat(counted.reads(session.id())).isBetween(3, 7);
    }

    @ParameterizedTest(name = "{0} store")
    @ValueSource(strings = {"memory", "redis"})
    void theInitializedSignalHasTheSessionReadAtOnce(String kind) throws InterruptedException {
        McpSession session = watchedUninitialized(kind);
        Thread.sleep(1_700); // the gap between reads is 8 ticks by now
        int before = counted.reads(session.id());

        store.mcpSessions().save(initializedStateless(session));
        relay.initialized(session.id());

        await().atMost(Duration.ofMillis(500)).until(() -> counted.reads(session.id()) > before);
        // a stateless function offers no stream: nothing is read after that
        int learned = counted.reads(session.id());
        Thread.sleep(1_000);
        assertThat(counted.reads(session.id())).isEqualTo(learned);
    }

    @ParameterizedTest(name = "{0} store")
    @ValueSource(strings = {"memory", "redis"})
    void aSessionInitializedWhileItsSignalWasLostIsLearnedAtTheNextReadDue(String kind) throws InterruptedException {
        McpSession session = watchedUninitialized(kind);
        Thread.sleep(500);

        store.mcpSessions().save(initializedStateless(session)); // no signal

        // reads are due at ticks 7 and 15 (0.7 and 1.5 s): the first one learns it, and then reads stop
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    int reads = counted.reads(session.id());
                    Thread.sleep(400);
                    return counted.reads(session.id()) == reads;
                });
        int learned = counted.reads(session.id());
        Thread.sleep(1_700);
        assertThat(counted.reads(session.id())).isEqualTo(learned);
    }

    /** Starts the relay on that store and opens a client stream of a session not initialized yet. */
    private McpSession watchedUninitialized(String kind) {
        start(kind);
        McpSession session = new McpSession(
                "s-" + UUID.randomUUID(),
                "tools",
                "2024-11-05",
                null,
                null,
                null,
                null,
                null,
                Instant.now(),
                Identity.ANONYMOUS);
        relay.watch(session, "log-" + session.id());
        return session;
    }

    private static McpSession initializedStateless(McpSession session) {
        return new McpSession(
                session.id(),
                session.function(),
                session.protocolVersion(),
                null,
                null,
                null,
                "2025-06-18",
                null,
                session.createdAt(),
                session.owner());
    }

    /** A store that counts, per session, how often its record is read by {@code peek}. */
    private static final class CountingStore implements StateStore {
        private final StateStore store;
        private final java.util.Map<String, AtomicInteger> reads = new java.util.concurrent.ConcurrentHashMap<>();
        private final McpSessionStore sessions;

        CountingStore(StateStore store) {
            this.store = store;
            McpSessionStore inner = store.mcpSessions();
            this.sessions = new McpSessionStore() {
                @Override
                public void save(McpSession session) {
                    inner.save(session);
                }

                @Override
                public void saveNew(McpSession session, String server) {
                    inner.saveNew(session, server);
                }

                @Override
                public Optional<McpSession> replaceBackendSession(String id, String lostId, String freshId) {
                    return inner.replaceBackendSession(id, lostId, freshId);
                }

                @Override
                public Optional<McpSession> find(String id) {
                    return inner.find(id);
                }

                @Override
                public Optional<McpSession> peek(String id) {
                    reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    return inner.peek(id);
                }

                @Override
                public boolean delete(String id) {
                    return inner.delete(id);
                }

                @Override
                public void relayedBackendStream(String id, BackendStreamPosition position) {
                    inner.relayedBackendStream(id, position);
                }

                @Override
                public Optional<BackendStreamPosition> backendStreamPosition(String id) {
                    return inner.backendStreamPosition(id);
                }

                @Override
                public long count() {
                    return inner.count();
                }

                @Override
                public List<McpSession> list(int max) {
                    return inner.list(max);
                }
            };
        }

        int reads(String sessionId) {
            AtomicInteger n = reads.get(sessionId);
            return n == null ? 0 : n.get();
        }

        @Override
        public String kind() {
            return store.kind();
        }

        @Override
        public FunctionStore functions() {
            return store.functions();
        }

        @Override
        public ClientEventLog events() {
            return store.events();
        }

        @Override
        public ConnectionDirectory connections() {
            return store.connections();
        }

        @Override
        public McpSessionStore mcpSessions() {
            return sessions;
        }

        @Override
        public McpPushIndex mcpPush() {
            return store.mcpPush();
        }

        @Override
        public Leases leases() {
            return store.leases();
        }

        @Override
        public SessionSignals signals() {
            return store.signals();
        }

        @Override
        public FleetSnapshots snapshots() {
            return store.snapshots();
        }

        @Override
        public StoreHealth health() {
            return store.health();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
