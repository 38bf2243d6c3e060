package dev.switchboard.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.SseClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway replicas, each its own JVM, on one Redis (standalone or Cluster, per subclass): a request on
 * one replica reaches a stream held by the other; a cancellation or a session's end reaches the replica
 * running the work; when the replica holding a stream is killed (SIGKILL) or stopped (SIGTERM) its client
 * resumes on the other with Last-Event-ID and gets every missed event once, in order; an MCP call whose replica
 * was killed is answered with an error on its client's resume.
 */
abstract class FleetTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The replicas' logs: kept when a test fails, and their ends printed in its output, to see what the fleet did. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path logs;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.out.println("replica logs kept in " + logs);
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.sorted().toList()) {
                    List<String> lines = Files.readAllLines(file);
                    System.out.println("---- last lines of " + file.getFileName());
                    lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(System.out::println);
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("could not read the replica logs: " + e);
            }
        }
    };

    FunctionServer functions;
    private final List<GatewayProcess> replicas = new ArrayList<>();

    /** @return the REDIS_URL every replica gets */
    abstract String redisUrl();

    /** Empties the Redis the replicas share. */
    abstract void flushRedis();

    /**
     * @param clientId a generic client id
     * @return how many events its log holds, read from Redis directly
     */
    abstract long eventLogLength(String clientId);

    @BeforeEach
    void start() {
        flushRedis();
        functions = FunctionServer.start();
    }

    @AfterEach
    void stop() {
        replicas.forEach(GatewayProcess::close);
        functions.close();
    }

    GatewayProcess replica(String id) {
        return replica(id, redisUrl());
    }

    GatewayProcess replica(String id, String redisUrl) {
        GatewayProcess gateway = GatewayProcess.start(
                id, Map.of("REDIS_URL", redisUrl, "HEARTBEAT_INTERVAL", "500ms"), logs.resolve(id + ".log"));
        replicas.add(gateway);
        return gateway;
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    static void invokeAsync(GatewayProcess replica, String client, int n) {
        Http.Answer a = Http.postJson(
                replica.pub("/invoke/echo"), "{\"payload\":" + n + ",\"client_id\":\"" + client + "\",\"async\":true}");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void servesOneMcpSessionFromEveryReplica() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        try (McpFunctionStub mcp = McpFunctionStub.start(false)) {
            registerTools(a, b, mcp, "30s");

            // HTTP+SSE: the stream on A, the messages posted to B, the answers back on A's stream
            try (SseClient stream = SseClient.open(a.pub("/mcp/tools/sse"))) {
                String path = stream.next(WAIT).data();
                await().atMost(WAIT)
                        .until(() -> Http.postJson(
                                                b.pub(path),
                                                "{\"jsonrpc\":\"2.0\",\"id\":1,"
                                                        + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2024-11-05\","
                                                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                                        .status()
                                == 202);
                assertThat(json(stream.next(WAIT).data())
                                .get("result")
                                .get("serverInfo")
                                .get("name")
                                .asText())
                        .isEqualTo("stub");
                String sessionId = path.substring(path.indexOf("sessionId=") + "sessionId=".length());
                JsonNode listed = Http.get(b.admin("/admin/sessions")).json().get("sessions");
                assertThat(listed)
                        .as("B's fleet view shows the session and that A holds its stream")
                        .anySatisfy(s -> {
                            assertThat(s.get("id").asText()).isEqualTo(sessionId);
                            assertThat(s.get("streams").get(0).get("replica").asText())
                                    .isEqualTo("replica-a");
                            assertThat(s.get("streams").get(0).get("kind").asText())
                                    .isEqualTo("http+sse");
                        });
                assertThat(Http.postJson(
                                        b.pub(path),
                                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                                                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"x\":2}}}")
                                .status())
                        .isEqualTo(202);
                assertThat(json(stream.next(WAIT).data())
                                .get("result")
                                .get("content")
                                .get(0)
                                .get("text")
                                .asText())
                        .isEqualTo("echo: {\"x\":2}");
            }

            // Streamable HTTP: a session initialized on A is served by B
            Http.Answer init = Http.send(
                    "POST",
                    a.pub("/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                            + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            Http.Answer onB = Http.send(
                    "POST",
                    b.pub("/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}",
                    Map.of(
                            "Content-Type",
                            "application/json",
                            "Accept",
                            "text/event-stream",
                            "Mcp-Session-Id",
                            session));
            assertThat(onB.status()).isEqualTo(200);
            // a 2025-11-25 client that takes only SSE gets a primed stream that ends with the response
            List<SseClient.Event> events = SseClient.parse(onB.body());
            assertThat(events.getFirst().data()).as("priming event").isEmpty();
            assertThat(json(events.getLast().data())
                            .get("result")
                            .get("content")
                            .get(0)
                            .get("text")
                            .asText())
                    .startsWith("echo:");
        }
    }

    @Test
    void deliversAcrossReplicasAndSurvivesTheStreamsReplicaBeingKilled() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        Http.Answer registered = Http.postJson(
                b.admin("/admin/functions"), "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(registered.status()).isEqualTo(201);
        // the registration made on B reaches A's cache
        await().atMost(WAIT)
                .until(() ->
                        Http.postJson(a.pub("/invoke/echo"), "{\"payload\":0}").status() == 200);

        String lastSeen;
        SseClient onA = SseClient.open(a.pub("/sse/roamer"));
        try {
            assertThat(json(onA.next(WAIT).data()).get("replica").asText()).isEqualTo("replica-a");
            invokeAsync(b, "roamer", 1);
            SseClient.Event first = onA.nextNonHeartbeat(WAIT);
            assertThat(json(first.data()).get("data").get("received").asInt())
                    .as("posted on B, delivered on A")
                    .isEqualTo(1);
            lastSeen = first.id();
            assertThat(Http.get(b.admin("/admin/connections"))
                            .json()
                            .get("connections")
                            .get(0)
                            .get("replica")
                            .asText())
                    .as("the fleet view shows which replica holds the stream")
                    .isEqualTo("replica-a");

            a.kill();
            assertThat(onA.awaitEnd(WAIT)).isTrue();
        } finally {
            onA.close();
        }

        for (int n = 2; n <= 5; n++) {
            invokeAsync(b, "roamer", n);
        }
        await().atMost(WAIT).until(() -> eventLogLength("roamer") == 5);
        try (SseClient onB = SseClient.open(b.pub("/sse/roamer"), Map.of("Last-Event-ID", lastSeen))) {
            JsonNode connected = json(onB.next(WAIT).data());
            assertThat(connected.get("replica").asText()).isEqualTo("replica-b");
            assertThat(connected.get("replayed").asInt()).isEqualTo(4);
            List<SseClient.Event> missed = onB.collect("function_response", 4, WAIT);
            assertThat(missed)
                    .extracting(e -> json(e.data()).get("data").get("received").asInt())
                    .as("every missed event once (async calls may finish in any order)")
                    .containsExactlyInAnyOrder(2, 3, 4, 5);
            for (int i = 1; i < missed.size(); i++) {
                assertThat(dev.switchboard.gateway.state.EventIds.compare(
                                missed.get(i - 1).id(), missed.get(i).id()))
                        .as("in log order")
                        .isNegative();
            }
            invokeAsync(b, "roamer", 6);
            assertThat(json(onB.nextNonHeartbeat(WAIT).data())
                            .get("data")
                            .get("received")
                            .asInt())
                    .isEqualTo(6);
        }
    }

    private static final Map<String, String> MCP_HEADERS = Map.of(
            "Content-Type", "application/json",
            "Accept", "application/json, text/event-stream");

    private static Http.Answer mcpPost(GatewayProcess replica, String session, String body) {
        Map<String, String> headers = new java.util.HashMap<>(MCP_HEADERS);
        if (session != null) {
            headers.put("Mcp-Session-Id", session);
        }
        return Http.send("POST", replica.pub("/mcp/tools"), body, headers);
    }

    /** Registers the MCP stub as {@code tools} on {@code on}, and waits until {@code seenBy} knows it too. */
    static void registerTools(GatewayProcess on, GatewayProcess seenBy, McpFunctionStub mcp, String timeout) {
        Http.Answer registered = Http.postJson(
                on.admin("/admin/functions"),
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"timeout\":\"" + timeout + "\",\"endpoint\":\"" + mcp.url()
                        + "\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        await().atMost(WAIT)
                .until(() -> Http.get(seenBy.admin("/admin/functions/tools")).status() == 200);
    }

    /** @return a 2025-11-25 session of {@code tools}, initialized on {@code replica} */
    private static String initializeOn(GatewayProcess replica) {
        return mcpPost(
                        replica,
                        null,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                .headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow();
    }

    static String slowCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}";
    }

    @Test
    void aCallLostWithItsReplicaIsAnsweredWithAnErrorWhenItsClientResumesOnAnother() {
        // the default MCP_INPUT_TIMEOUT (5 minutes) does not hold the answer back: the call asked for no input
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        try (McpFunctionStub mcp = McpFunctionStub.start(false)) {
            registerTools(a, b, mcp, "2s");
            String session = initializeOn(a);

            // the stub's slow tool answers after 5 s, A would answer its timeout after 2 s: A dies first; a call
            // is taken for lost when its log is quiet for two timeouts and a heartbeat (4.5 s)
            String primed;
            try (SseClient call = SseClient.post(
                    a.pub("/mcp/tools"),
                    slowCall(21),
                    Map.of("Accept", MCP_HEADERS.get("Accept"), "Mcp-Session-Id", session))) {
                SseClient.Event priming = call.next(WAIT);
                assertThat(priming.data()).as("the priming event").isEmpty();
                primed = priming.id();
                a.kill();
            }

            Map<String, String> resume = Map.of("Mcp-Session-Id", session, "Last-Event-ID", primed);
            SseClient.Event answer;
            try (SseClient resumed = SseClient.open(b.pub("/mcp/tools"), resume)) {
                assertThat(resumed.status()).isEqualTo(200);
                answer = resumed.nextWithData("\"error\"", WAIT);
                assertThat(resumed.awaitEnd(WAIT)).as("ended with its response").isTrue();
            }
            JsonNode error = json(answer.data());
            assertThat(error.get("id").asInt()).isEqualTo(21);
            assertThat(error.at("/error/code").asInt()).isEqualTo(-32000);
            assertThat(error.at("/error/message").asText()).contains("stopped before it was answered");
            assertThat(Metrics.read(b.admin("/metrics"), "switchboard_mcp_calls_lost_total"))
                    .as("counted where it was answered")
                    .isEqualTo(1.0);
            // logged as the stream's response: a resume from the same place meets the same answer at once
            try (SseClient again = SseClient.open(b.pub("/mcp/tools"), resume)) {
                SseClient.Event same = again.nextWithData("\"error\"", Duration.ofSeconds(2));
                assertThat(same.id()).isEqualTo(answer.id());
                assertThat(same.data()).isEqualTo(answer.data());
            }
            assertThat(Metrics.read(b.admin("/metrics"), "switchboard_mcp_calls_lost_total"))
                    .as("a call is answered lost once; a later resume reads that answer")
                    .isEqualTo(1.0);
        }
    }

    @Test
    void aCancellationOrASessionEndPostedToOneReplicaStopsTheWorkOnAnother() throws Exception {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        // serves nothing of the session: its signals must not reach it
        GatewayProcess c = replica("replica-c");
        try (McpFunctionStub mcp = McpFunctionStub.start(false)) {
            registerTools(a, b, mcp, "30s");
            String session = initializeOn(a);

            // the stub's slow tool answers after 5 s; the call runs on A, its cancellation is posted to B
            Thread canceller = Thread.ofVirtual().start(() -> {
                await().atMost(WAIT)
                        .until(() -> mcp.received().stream()
                                .anyMatch(r -> r.message() != null
                                        && r.message().path("id").asInt() == 15));
                assertThat(mcpPost(
                                        b,
                                        session,
                                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                                                + "\"params\":{\"requestId\":15}}")
                                .status())
                        .isEqualTo(202);
            });
            long start = System.nanoTime();
            Http.Answer cancelled = mcpPost(a, session, slowCall(15));
            canceller.join();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("ended by the cancellation, not the tool")
                    .isLessThan(Duration.ofSeconds(4));
            assertThat(cancelled.body()).as("no result after a cancel").doesNotContain("\"result\"");

            // A holds the session's standalone stream and runs a call; the DELETE sent to B ends both
            try (SseClient standalone = SseClient.open(a.pub("/mcp/tools"), Map.of("Mcp-Session-Id", session))) {
                assertThat(standalone.status()).isEqualTo(200);
                java.util.concurrent.CompletableFuture<Http.Answer> running =
                        java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> mcpPost(a, session, slowCall(16)),
                                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
                await().atMost(WAIT)
                        .until(() -> mcp.received().stream()
                                .anyMatch(r -> r.message() != null
                                        && r.message().path("id").asInt() == 16));
                long deleted = System.nanoTime();
                assertThat(Http.send("DELETE", b.pub("/mcp/tools"), null, Map.of("Mcp-Session-Id", session))
                                .status())
                        .isEqualTo(204);
                assertThat(standalone.awaitEnd(WAIT))
                        .as("A's standalone stream closed")
                        .isTrue();
                Http.Answer ended = running.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - deleted)).isLessThan(Duration.ofSeconds(4));
                assertThat(ended.body()).doesNotContain("\"result\"");
            }
            // the cancellation and the end reached A (and B, which read the session); C saw neither
            assertThat(sessionSignalsReceived(a)).isGreaterThanOrEqualTo(2);
            assertThat(sessionSignalsReceived(c)).isZero();
        }
    }

    /** @return the replica's {@code switchboard_session_signals_received_total} */
    static double sessionSignalsReceived(GatewayProcess replica) {
        return Metrics.read(replica.admin("/metrics"), "switchboard_session_signals_received_total");
    }

    @Test
    void aStoppingReplicaSendsItsClientsToAnotherAtOnce() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        assertThat(Http.postJson(
                                a.admin("/admin/functions"),
                                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                        .status())
                .isEqualTo(201);
        await().atMost(WAIT)
                .until(() ->
                        Http.postJson(b.pub("/invoke/echo"), "{\"payload\":0}").status() == 200);

        String lastSeen;
        try (SseClient onA = SseClient.open(a.pub("/sse/mover"))) {
            onA.next(WAIT);
            invokeAsync(a, "mover", 1);
            lastSeen = onA.nextNonHeartbeat(WAIT).id();
            a.terminate();
            assertThat(onA.awaitEnd(WAIT)).as("SIGTERM closes the stream").isTrue();
            assertThat(onA.retry()).as("with a reconnect hint").isNotNull().isPositive();
            assertThat(a.output())
                    .as("the stop is reported, whatever the logging framework's own shutdown did")
                    .contains("switchboard: stopping:", "switchboard: stopped in");
        }
        invokeAsync(b, "mover", 2);
        try (SseClient onB = SseClient.open(b.pub("/sse/mover"), Map.of("Last-Event-ID", lastSeen))) {
            onB.next(WAIT);
            assertThat(json(onB.nextNonHeartbeat(WAIT).data())
                            .get("data")
                            .get("received")
                            .asInt())
                    .isEqualTo(2);
        }
    }

    @Test
    void registryChangesReachEveryReplicasCacheWithinASecond() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        String echo = "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}";
        assertThat(Http.postJson(b.admin("/admin/functions"), echo).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(1))
                .until(() ->
                        Http.postJson(a.pub("/invoke/echo"), "{\"payload\":0}").status() == 200);
        // A now serves echo from its cache: a delete on B must reach that cache, not wait for its 30 s reload
        assertThat(Http.delete(b.admin("/admin/functions/echo")).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1))
                .until(() ->
                        Http.postJson(a.pub("/invoke/echo"), "{\"payload\":0}").status() == 404);
    }
}
