package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.support.TestStores;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import dev.switchboard.registry.RetryPolicy;
import dev.switchboard.testing.TestRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real Redis recover the same lost function session while the first one's re-initialization
 * takes longer than one function timeout (it is two calls): the first renews its {@code mcp-recovery} lease while
 * it works, and the second waits for its result instead of answering "initialize again". Should the lease lapse all
 * the same (renewals that could not reach the store), the second replica takes it and re-initializes too: the
 * store's compare-and-set keeps the first recorded function session, the replica that lost adopts it and ends the
 * one it made, so the function is left one session and both replicas use it.
 */
class BackendSessionRecoveryRaceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The function's timeout, so also the recovery lease's time-to-live. */
    private static final Duration TIMEOUT = Duration.ofSeconds(9);
    /**
     * How long the first replica's initialize and notifications/initialized each take: 12 s in all, 3 s more than
     * the lease's time-to-live and 3 s less than a call may take.
     */
    private static final Duration SLOW = Duration.ofSeconds(6);

    private SlowStatefulFunction function;
    private FunctionEngine engine;
    private RedisStateStore storeA;
    private RedisStateStore storeB;
    private RedisConnections redis;

    @BeforeEach
    void start() throws IOException {
        function = new SlowStatefulFunction();
        engine = new FunctionEngine(EgressPolicy.allowing(List.of("127.0.0.0/8")));
        storeA = store("replica-a");
        storeB = store("replica-b");
        redis = RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        storeA.close();
        storeB.close();
        redis.close();
        engine.close();
        function.close();
    }

    private static RedisStateStore store(String replicaId) {
        return TestStores.redis(replicaId);
    }

    private BackendSessionRecovery recovery(RedisStateStore store, String replicaId) {
        McpBackend backend = new McpBackend(1 << 20, new ResponseBudget(64L << 20), engine);
        return new BackendSessionRecovery(
                backend,
                store.mcpSessions(),
                store.leases(),
                replicaId,
                new BackendSessionRestore(backend, store.mcpPush()));
    }

    @Test
    void aReplicaWaitingLongerThanOneTimeoutGetsTheSessionTheOtherRecovered() throws Exception {
        FunctionRegistration registration = registration(function.url());
        String sessionId = "wait-" + UUID.randomUUID();
        McpSession session = lostSession(sessionId, registration);
        storeA.mcpSessions().save(session);
        BackendSessionRecovery a = recovery(storeA, "replica-a");
        BackendSessionRecovery b = recovery(storeB, "replica-b");
        warmUp(a, registration);
        function.slowNext = true;
        int before = function.initializes.get();

        // replica a: its re-initialization (answered slowly) takes longer than the lease's time-to-live
        long aBegan = System.nanoTime();
        CompletableFuture<Optional<McpSession>> byA = CompletableFuture.supplyAsync(
                () -> a.recover(registration, session, "lost-session"), Executors.newVirtualThreadPerTaskExecutor());
        awaitFirstInitialize(before);
        // replica b finds the same loss meanwhile (its stream relay, say) and waits for a's
        long[] bWaited = new long[1];
        CompletableFuture<Optional<McpSession>> byB = CompletableFuture.supplyAsync(
                () -> {
                    long began = System.nanoTime();
                    Optional<McpSession> recovered = b.recover(registration, session, "lost-session");
                    bWaited[0] = System.nanoTime() - began;
                    return recovered;
                },
                Executors.newVirtualThreadPerTaskExecutor());
        String lease = RedisKeys.lease("mcp-recovery:" + sessionId);
        Thread.sleep(Math.max(
                0, TimeUnit.NANOSECONDS.toMillis(aBegan + TIMEOUT.plusSeconds(1).toNanos() - System.nanoTime())));
        assertThat(byA).as("a is still re-initializing").isNotDone();
        assertThat(redis.sync().get(lease))
                .as("one timeout later, a still holds the lease: renewed")
                .isEqualTo("replica-a");

        Optional<McpSession> aResult = byA.get(30, TimeUnit.SECONDS);
        Optional<McpSession> bResult = byB.get(30, TimeUnit.SECONDS);
        assertThat(aResult).isPresent();
        assertThat(aResult.get().backendSessionId()).isEqualTo(function.slowSession);
        assertThat(bResult)
                .as("b waited for a's function session instead of giving up after one timeout")
                .hasValueSatisfying(s -> assertThat(s.backendSessionId()).isEqualTo(function.slowSession));
        assertThat(Duration.ofNanos(bWaited[0])).isGreaterThan(TIMEOUT);
        assertThat(function.initializes.get())
                .as("the function initialized once")
                .isEqualTo(before + 1);
        assertThat(function.ended).isEmpty();
        assertThat(redis.sync().exists(lease)).as("released when done").isZero();
    }

    @Test
    void aSecondRecoveryAfterTheLeaseLapsedAdoptsTheFirstRecordedFunctionSession() throws Exception {
        FunctionRegistration registration = registration(function.url());
        String sessionId = "race-" + UUID.randomUUID();
        McpSession session = lostSession(sessionId, registration);
        storeA.mcpSessions().save(session);
        BackendSessionRecovery a = recovery(storeA, "replica-a");
        BackendSessionRecovery b = recovery(storeB, "replica-b");
        warmUp(a, registration);
        function.slowNext = true;
        int before = function.initializes.get();

        // replica a: its re-initialization is answered slowly, and its lease lapses meanwhile (as when its
        // renewals cannot reach the store)
        CompletableFuture<Optional<McpSession>> byA = CompletableFuture.supplyAsync(
                () -> a.recover(registration, session, "lost-session"), Executors.newVirtualThreadPerTaskExecutor());
        String lease = RedisKeys.lease("mcp-recovery:" + sessionId);
        awaitFirstInitialize(before);
        assertThat(redis.sync().del(lease)).as("a held the lease").isEqualTo(1);
        assertThat(byA).as("a is still re-initializing").isNotDone();

        // replica b finds the same loss (its stream relay, say) and takes the lapsed lease
        Optional<McpSession> byB = b.recover(registration, session, "lost-session");
        Optional<McpSession> aResult = byA.get(30, TimeUnit.SECONDS);

        assertThat(function.initializes.get())
                .as("b re-initialized too: the lease had lapsed")
                .isEqualTo(before + 2);
        assertThat(byB).isPresent();
        assertThat(aResult).isPresent();
        String kept = byB.get().backendSessionId();
        assertThat(kept).isEqualTo("fn-session-" + (before + 2));
        assertThat(aResult.get().backendSessionId())
                .as("a adopts the function session recorded first instead of replacing it")
                .isEqualTo(kept);
        assertThat(storeA.mcpSessions().peek(sessionId).orElseThrow().backendSessionId())
                .isEqualTo(kept);
        assertThat(storeB.mcpSessions()
                        .peek(sessionId)
                        .orElseThrow()
                        .clientInfo()
                        .path("name")
                        .asText())
                .as("the rest of the session is kept")
                .isEqualTo("client");
        assertThat(function.ended)
                .as("a ended the function session nobody uses")
                .containsExactly(function.slowSession);
        assertThat(function.slowSession).isEqualTo("fn-session-" + (before + 1));
    }

    private static McpSession lostSession(String sessionId, FunctionRegistration registration) throws Exception {
        return new McpSession(
                sessionId,
                registration.name(),
                "2025-06-18",
                MAPPER.readTree("{\"name\":\"client\",\"version\":\"1\"}"),
                MAPPER.createObjectNode(),
                "lost-session",
                "2025-06-18",
                null,
                Instant.now(),
                null);
    }

    /** Waits (at most 20 s) until replica a's slow initialize reached the function. */
    private void awaitFirstInitialize(int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (function.initializes.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(function.initializes.get()).as("a began re-initializing").isEqualTo(before + 1);
    }

    /**
     * A first recovery with quick answers, so that the function-call engine's first connection (slow on a busy
     * machine) does not count against the timings above.
     */
    private void warmUp(BackendSessionRecovery recovery, FunctionRegistration registration) throws Exception {
        McpSession warm = new McpSession(
                "warm-" + UUID.randomUUID(),
                registration.name(),
                "2025-06-18",
                MAPPER.createObjectNode(),
                MAPPER.createObjectNode(),
                "lost-warm",
                "2025-06-18",
                null,
                Instant.now(),
                null);
        storeA.mcpSessions().save(warm);
        assertThat(recovery.recover(registration, warm, "lost-warm")).isPresent();
    }

    @Test
    void aRecoveryOfASessionEndedMeanwhileDoesNotBringItBack() throws Exception {
        FunctionRegistration registration = registration(function.url());
        String sessionId = "ended-" + UUID.randomUUID();
        McpSession session = new McpSession(
                sessionId,
                registration.name(),
                "2025-06-18",
                MAPPER.createObjectNode(),
                MAPPER.createObjectNode(),
                "lost-session",
                "2025-06-18",
                null,
                Instant.now(),
                null);
        storeA.mcpSessions().save(session);
        assertThat(storeB.mcpSessions().replaceBackendSession(sessionId, "other-session", "fresh"))
                .as("not the lost id: nothing recorded")
                .hasValueSatisfying(s -> assertThat(s.backendSessionId()).isEqualTo("lost-session"));
        storeB.mcpSessions().delete(sessionId);
        assertThat(storeA.mcpSessions().replaceBackendSession(sessionId, "lost-session", "fresh"))
                .as("an ended session stays ended")
                .isEmpty();
        assertThat(storeA.mcpSessions().peek(sessionId)).isEmpty();
    }

    private static FunctionRegistration registration(String url) {
        return new FunctionRegistration(
                "stateful",
                FunctionKind.MCP,
                URI.create(url),
                "POST",
                TIMEOUT,
                Map.of(),
                "",
                Optional.empty(),
                0,
                RetryPolicy.NONE,
                ClientAuth.DEFAULT,
                Optional.empty(),
                Instant.EPOCH,
                Instant.EPOCH,
                1);
    }

    /**
     * A stateful MCP function that issues {@code fn-session-<n>} at each initialize, answers the initialize
     * after {@link #slowNext} was set, and its notifications/initialized, after {@link #SLOW} each, and records the
     * sessions DELETEd.
     */
    private static final class SlowStatefulFunction implements AutoCloseable {
        final AtomicInteger initializes = new AtomicInteger();
        final Set<String> ended = ConcurrentHashMap.newKeySet();
        /** Whether the next initialize, and its notifications/initialized, are answered slowly. */
        volatile boolean slowNext;
        /** The function session whose initialization is answered slowly. */
        volatile String slowSession;

        private final HttpServer server;

        SlowStatefulFunction() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/mcp", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
                if (exchange.getRequestMethod().equals("DELETE")) {
                    ended.add(session);
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                JsonNode message = MAPPER.readTree(exchange.getRequestBody());
                String method = message.path("method").asText();
                if (method.equals("initialize")) {
                    int n = initializes.incrementAndGet();
                    boolean slow = slowNext;
                    if (slow) {
                        slowNext = false;
                        slowSession = "fn-session-" + n;
                    }
                    pauseIf(slow);
                    byte[] body = MAPPER.writeValueAsBytes(MAPPER.createObjectNode()
                            .put("jsonrpc", "2.0")
                            .<com.fasterxml.jackson.databind.node.ObjectNode>set("id", message.get("id"))
                            .set(
                                    "result",
                                    MAPPER.readTree("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                                            + "\"serverInfo\":{\"name\":\"slow\",\"version\":\"1\"}}")));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.getResponseHeaders().set("Mcp-Session-Id", "fn-session-" + n);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                pauseIf(method.equals("notifications/initialized") && session != null && session.equals(slowSession));
                exchange.sendResponseHeaders(202, -1);
            }
        }

        private void pauseIf(boolean slow) {
            if (slow) {
                try {
                    Thread.sleep(SLOW.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
