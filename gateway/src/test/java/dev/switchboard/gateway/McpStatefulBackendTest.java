package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.ServerEverything;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real stateful {@code @modelcontextprotocol/server-everything} (streamableHttp) behind two gateway
 * replicas on one Redis, used with the official MCP Java SDK client: what the server says on its own (its
 * standalone stream) reaches the client, the client's answers reach the server, a server restart is
 * survived without the client noticing, an expired gateway session ends the server's session, and the
 * server's stream is taken over when the replica that relayed it goes away.
 */
class McpStatefulBackendTest {
    private static ServerEverything server;
    /** Runs the calls a test makes in the background. */
    private static final java.util.concurrent.ExecutorService runner =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private Gateway a;
    private Gateway b;

    @BeforeAll
    static void startServer() {
        server = ServerEverything.start();
    }

    @AfterAll
    static void stopServer() {
        runner.shutdownNow();
        server.close();
    }

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        a = gateway("a", "30m");
        b = gateway("b", "30m");
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + a.adminPort() + "/admin/functions",
                "{\"name\":\"everything\",\"kind\":\"mcp\",\"endpoint\":\"" + server.url() + "\",\"timeout\":\"20s\"}");
        assertThat(registered.status()).isEqualTo(201);
        awaitRegistered(b, url(b));
    }

    /**
     * b learns of a registration from the store's change announcement, asynchronously: a test that starts on b must
     * not race it (an initialize there would be 404 "no MCP server is registered").
     */
    private static void awaitRegistered(Gateway gateway, String url) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Http.send(
                                "POST",
                                url,
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                                Map.of(
                                        "Content-Type",
                                        "application/json",
                                        "Accept",
                                        "application/json, text/event-stream"))
                        .body()
                        .contains("no MCP server is registered"));
    }

    /** @return who holds a lease (its value up to the line feed before the holder's note), or null */
    private static String leaseHolder(String key) {
        String value = TestRedis.shared().command("GET", key);
        return value == null ? null : value.split("\n", 2)[0];
    }

    @AfterEach
    void stop() {
        for (Gateway g : new Gateway[] {a, b}) {
            if (g != null) {
                g.close();
            }
        }
    }

    private static Gateway gateway(String replica, String sessionTtl) {
        return gateway(replica, sessionTtl, TestRedis.shared().url());
    }

    private static Gateway gateway(String replica, String sessionTtl, String redisUrl) {
        return Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL", redisUrl, "REPLICA_ID", replica, "SESSION_TTL", sessionTtl, "MCP_BACKEND_LEASE", "1s")));
    }

    private static final class Received {
        final List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        final List<List<McpSchema.ResourceContents>> updates = new CopyOnWriteArrayList<>();
    }

    private static McpSyncClient client(Gateway gateway, Received received) {
        return client(
                HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + gateway.port())
                        .endpoint("/mcp/everything")
                        .build(),
                received);
    }

    private static McpSyncClient client(io.modelcontextprotocol.spec.McpClientTransport transport, Received received) {
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .capabilities(McpSchema.ClientCapabilities.builder().roots(true).build())
                .roots(new McpSchema.Root("file:///switchboard/workspace", "workspace"))
                .loggingConsumer(received.logs::add)
                .resourcesUpdateConsumer(received.updates::add)
                .build();
    }

    /**
     * Waits until the client's own stream (the SDK opens it after initialize, in the background) is held:
     * the server sends its requests on its stream only while ours is open.
     */
    private static void awaitClientStream(Gateway gateway) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String body = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/sessions")
                    .body();
            return body.contains("\"kind\":\"standalone\"") || body.contains("\"kind\":\"http+sse\"");
        });
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    @Test
    void theServersOwnMessagesAndRequestsTravelBothWays() {
        Received received = new Received();
        McpSyncClient client = client(a, received);
        try {
            client.initialize();
            awaitClientStream(a);
            // roots/list is a request of the server on its standalone stream; the client answers it by POST
            assertThat(text(call(client, "get-roots-list"))).contains("file:///switchboard/workspace");

            // logging/setLevel reaches the server, which filters its own messages: nothing below error
            client.setLoggingLevel(McpSchema.LoggingLevel.ERROR);
            received.logs.clear(); // what came before the level was set
            assertThat(text(call(client, "toggle-simulated-logging"))).startsWith("Started simulated");
            client.subscribeResource(new McpSchema.SubscribeRequest("demo://resource/dynamic/text/1"));
            assertThat(text(call(client, "toggle-subscriber-updates"))).startsWith("Started simulated resource");
            await().atMost(Duration.ofSeconds(15)).until(() -> !received.updates.isEmpty());
            // each start sends one message at once, at a random level, then one every 5 s: rather than wait for the
            // ticks (half of them are filtered out), stop and start again until one passes the filter
            await().atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        if (!received.logs.isEmpty()) {
                            return true;
                        }
                        call(client, "toggle-simulated-logging");
                        assertThat(text(call(client, "toggle-simulated-logging")))
                                .startsWith("Started simulated");
                        return false;
                    });
            assertThat(received.logs)
                    .allSatisfy(log -> assertThat(log.level().level())
                            .isGreaterThanOrEqualTo(McpSchema.LoggingLevel.ERROR.level()));
            assertThat(received.logs)
                    .noneMatch(log -> String.valueOf(log.data()).contains("Subscribe Resource"));
            assertThat(received.updates.getFirst().getFirst().uri()).isEqualTo("demo://resource/dynamic/text/1");
            call(client, "toggle-simulated-logging");
            call(client, "toggle-subscriber-updates");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void anHttpPlusSseClientGetsTheServersRequestsAndNotificationsToo() {
        Received received = new Received();
        @SuppressWarnings("deprecation")
        McpSyncClient client = client(
                io.modelcontextprotocol.client.transport.HttpClientSseClientTransport.builder(
                                "http://127.0.0.1:" + b.port())
                        .sseEndpoint("/mcp/everything/sse")
                        .build(),
                received);
        try {
            client.initialize();
            awaitClientStream(b);
            assertThat(text(call(client, "get-roots-list"))).contains("file:///switchboard/workspace");
            client.subscribeResource(new McpSchema.SubscribeRequest("demo://resource/dynamic/text/2"));
            assertThat(text(call(client, "toggle-subscriber-updates"))).startsWith("Started simulated resource");
            await().atMost(Duration.ofSeconds(15)).until(() -> !received.updates.isEmpty());
            call(client, "toggle-subscriber-updates");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void oneReplicaOnTheMemoryStoreRelaysTheServersStream() {
        Gateway memory = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("MCP_BACKEND_LEASE", "1s")));
        Received received = new Received();
        McpSyncClient client = null;
        try {
            assertThat(Http.postJson(
                                    "http://127.0.0.1:" + memory.adminPort() + "/admin/functions",
                                    "{\"name\":\"everything\",\"kind\":\"mcp\",\"endpoint\":\"" + server.url()
                                            + "\",\"timeout\":\"20s\"}")
                            .status())
                    .isEqualTo(201);
            client = client(memory, received);
            client.initialize();
            awaitClientStream(memory);
            assertThat(text(call(client, "get-roots-list"))).contains("file:///switchboard/workspace");
            // the server's log line about the roots it got comes on its own stream, after the tool's result
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.logs.stream()
                            .anyMatch(log -> String.valueOf(log.data()).startsWith("Roots updated")));
        } finally {
            if (client != null) {
                client.closeGracefully();
            }
            memory.close();
        }
    }

    @Test
    void aServerRestartIsSurvivedWithoutReinitializing() {
        Received received = new Received();
        McpSyncClient client = client(a, received);
        try {
            client.initialize();
            awaitClientStream(a);
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "before")))))
                    .contains("before");
            server.restart();
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "after")))))
                    .contains("after");
            // the re-initialized server session has its standalone stream again: it can ask the client
            assertThat(text(call(client, "get-roots-list"))).contains("file:///switchboard/workspace");
        } finally {
            client.closeGracefully();
        }
    }

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private static String url(Gateway gateway) {
        return "http://127.0.0.1:" + gateway.port() + "/mcp/everything";
    }

    /** @return the gateway session id */
    private static String initialize(Gateway gateway) {
        Http.Answer init = Http.send(
                "POST",
                url(gateway),
                INITIALIZE,
                Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
        assertThat(init.status()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        Http.Answer initialized = Http.send(
                "POST",
                url(gateway),
                "{\"jsonrpc\":\"2.0\",\"method\":" + "\"notifications/initialized\"}",
                sessionHeaders(session));
        assertThat(initialized.status()).isEqualTo(202);
        return session;
    }

    /** @return the gateway session of a client that offers roots (not yet initialized: the test says so) */
    private static String initializeWithRoots(String url) {
        Http.Answer init = Http.send(
                "POST",
                url,
                INITIALIZE.replace("\"capabilities\":{}", "\"capabilities\":{\"roots\":{}}"),
                Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** @return the session's standalone stream on that URL */
    private static SseClient openStream(String url, String session) {
        return SseClient.open(
                url,
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
    }

    private static Map<String, String> sessionHeaders(String session) {
        return Map.of(
                "Content-Type",
                "application/json",
                "Accept",
                "application/json, text/event-stream",
                "Mcp-Session-Id",
                session,
                "MCP-Protocol-Version",
                "2025-11-25");
    }

    private static String lastBackendSession() {
        return server.output().stream()
                .filter(l -> l.startsWith("Session initialized with ID: "))
                .reduce((x, y) -> y)
                .orElseThrow()
                .substring("Session initialized with ID: ".length());
    }

    @Test
    void anExpiredGatewaySessionEndsTheServersSession() {
        Gateway shortLived = gateway("c", "2s");
        try {
            initialize(shortLived);
            String backendSession = lastBackendSession();
            // nobody uses the session: it expires in the store, and the replica that served it ends the server's
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> server.output()
                            .contains("Received session termination request for session " + backendSession));
        } finally {
            shortLived.close();
        }
    }

    @Test
    void theServersRequestIsAnsweredThroughTheOtherReplica() {
        String session = initializeWithRoots(url(a));
        try (SseClient onA = openStream(url(a), session)) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> "a".equals(leaseHolder("switchboard:lease:mcp-backend-stream:" + session)));
            // the server asks for the roots on its own stream once the client says it is initialized
            assertThat(Http.send(
                                    "POST",
                                    url(b),
                                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                                    sessionHeaders(session))
                            .status())
                    .isEqualTo(202);
            SseClient.Event asked = onA.nextWithData("\"roots/list\"", Duration.ofSeconds(10));
            assertThat(asked)
                    .as("roots/list relayed from the server's stream by replica a")
                    .isNotNull();
            String mintedId = json(asked.data()).path("id").asText();
            assertThat(mintedId).startsWith("sbs-");
            // answered on replica b: back to the server with its own id
            assertThat(Http.send(
                                    "POST",
                                    url(b),
                                    "{\"jsonrpc\":\"2.0\",\"id\":\"" + mintedId + "\",\"result\":"
                                            + "{\"roots\":[{\"uri\":\"file:///answered/on/b\",\"name\":\"b\"}]}}",
                                    sessionHeaders(session))
                            .status())
                    .isEqualTo(202);
            Http.Answer roots = Http.send(
                    "POST",
                    url(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"get-roots-list\",\"arguments\":{}}}",
                    sessionHeaders(session));
            assertThat(roots.body()).contains("file:///answered/on/b");
        }
    }

    /**
     * The client's stream is on a, its requests go to b, and a is slow to open the server's stream (its GET held
     * back 1.5 s on the way): a request posted to b before the stream is open waits for it, so that what the
     * server asks while it runs (roots/list, on its stream) is not dropped for want of one.
     */
    /** Registers the server on replica a under this name, reached through the forwarder; @return its URL on a */
    private String registerThrough(TcpForwarder path, String name) {
        assertThat(Http.postJson(
                                "http://127.0.0.1:" + a.adminPort() + "/admin/functions",
                                "{\"name\":\"" + name + "\",\"kind\":\"mcp\",\"endpoint\":\"http://127.0.0.1:"
                                        + path.port() + "/mcp\",\"timeout\":\"20s\"}")
                        .status())
                .isEqualTo(201);
        return "http://127.0.0.1:" + a.port() + "/mcp/" + name;
    }

    private static void awaitRelayedByA(String session) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "a".equals(leaseHolder("switchboard:lease:mcp-backend-stream:" + session)));
    }

    private static void sendInitialized(String url, String session) {
        assertThat(Http.send(
                                "POST",
                                url,
                                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                                sessionHeaders(session))
                        .status())
                .isEqualTo(202);
    }

    /** Calls get-roots-list in the background: it returns once the server's roots/list is answered. */
    private static java.util.concurrent.CompletableFuture<Http.Answer> getRootsList(String url, String session) {
        return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Http.send(
                        "POST",
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":"
                                + "{\"name\":\"get-roots-list\",\"arguments\":{}}}",
                        sessionHeaders(session)),
                runner);
    }

    /** Answers the server's roots/list (relayed to the client as {@code asked}) with one root. */
    private static void answerRoots(String url, String session, SseClient.Event asked, String uri) {
        assertThat(Http.send(
                                "POST",
                                url,
                                "{\"jsonrpc\":\"2.0\",\"id\":\""
                                        + json(asked.data()).path("id").asText()
                                        + "\",\"result\":{\"roots\":[{\"uri\":\"" + uri + "\",\"name\":\"r\"}]}}",
                                sessionHeaders(session))
                        .status())
                .isEqualTo(202);
    }

    /**
     * Answers each roots/list that reaches the client's stream until the get-roots-list call has its answer: the
     * server's own question, asked 350 ms after initialized, may come before the tool's on a slow machine. A
     * question that never comes fails the test (no event in 8 s).
     *
     * @return the tool's answer's body
     */
    private static String answerRootsUntilTheToolAnswers(
            SseClient stream,
            String url,
            String session,
            java.util.concurrent.CompletableFuture<Http.Answer> roots,
            String uri)
            throws Exception {
        for (int asked = 0; asked < 2 && !roots.isDone(); asked++) {
            answerRoots(url, session, stream.nextWithData("\"roots/list\"", Duration.ofSeconds(8)), uri);
            try {
                roots.get(3, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // that was the server's own question: the tool's comes next
            }
        }
        return roots.get(20, java.util.concurrent.TimeUnit.SECONDS).body();
    }

    @Test
    void aRequestOnAnotherReplicaWaitsForTheServersStreamTheHolderIsOpening() throws Exception {
        try (TcpForwarder slowPath =
                TcpForwarder.start(java.net.URI.create(server.url()).getPort())) {
            String onA = registerThrough(slowPath, "slow");
            String onB = "http://127.0.0.1:" + b.port() + "/mcp/slow";
            awaitRegistered(b, onB);
            slowPath.delayRequests("GET ", Duration.ofMillis(1500));
            String session = initializeWithRoots(onA);
            try (SseClient stream = openStream(onA, session)) {
                awaitRelayedByA(session);
                // the server asks for roots 350 ms after this, with no stream open yet: that request is lost, as it
                // would be directly; the tool below asks again while it runs
                sendInitialized(onB, session);
                java.util.concurrent.CompletableFuture<Http.Answer> roots = getRootsList(onB, session);
                SseClient.Event asked = stream.nextWithData("\"roots/list\"", Duration.ofSeconds(8));
                assertThat(asked)
                        .as("the server's roots/list, asked while the tool ran, relayed by a")
                        .isNotNull();
                answerRoots(onB, session, asked, "file:///slow");
                assertThat(roots.get(20, java.util.concurrent.TimeUnit.SECONDS).body())
                        .contains("file:///slow");
            }
        }
    }

    /**
     * What the TypeScript SDK client does: its standalone GET and its next request leave together, and the request
     * may reach another replica before the one holding the stream has taken the server's stream. Here that replica's
     * Redis is slow, so a lease taken after the GET was answered would come too late for the request, which would
     * then be relayed at once; the server asks for roots on a stream not open yet, and that question is lost.
     */
    @Test
    void aRequestSentOnceTheClientsStreamIsAnsweredWaitsForTheServersStream() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                List.of("127.0.0.1", "localhost").contains(TestRedis.shared().host()),
                "the slow path to Redis is a loopback forwarder");
        try (TcpForwarder slowRedis = TcpForwarder.start(TestRedis.shared().port())) {
            Gateway c = gateway(
                    "c",
                    "30m",
                    TestRedis.shared().url().replace(TestRedis.shared().address(), "127.0.0.1:" + slowRedis.port()));
            try {
                String onB = url(b);
                String onC = url(c);
                awaitRegistered(c, onC);
                String session = initializeWithRoots(onB);
                sendInitialized(onB, session);
                // the server's own roots/list, 350 ms after initialized, finds no stream open: lost, as directly
                Thread.sleep(1000);
                slowRedis.delayRequests("*", Duration.ofMillis(100)); // every command c sends (RESP arrays)
                try (SseClient stream = openStream(onC, session)) {
                    assertThat(stream.status()).isEqualTo(200);
                    assertThat(leaseHolder("switchboard:lease:mcp-backend-stream:" + session))
                            .as("the server's stream is claimed before the client's is answered")
                            .isEqualTo("c");
                    java.util.concurrent.CompletableFuture<Http.Answer> roots = getRootsList(onB, session);
                    // the tool's roots/list, relayed by c
                    assertThat(answerRootsUntilTheToolAnswers(stream, onB, session, roots, "file:///first"))
                            .as("the tool's answer: its roots/list reached the client and was answered")
                            .contains("file:///first");
                }
            } finally {
                c.close();
            }
        }
    }

    /**
     * The client's request leaves before its stream reaches any replica (the TypeScript SDK sends both together):
     * in a session's first seconds, a client that takes the server's requests is waited for, so the roots/list the
     * tool asks is relayed once the stream is open instead of being lost.
     */
    @Test
    void aRequestSentJustBeforeTheClientsStreamWaitsForItInTheSessionsFirstSeconds() throws Exception {
        String onA = url(a);
        String onB = url(b);
        String session = initializeWithRoots(onB);
        sendInitialized(onB, session);
        java.util.concurrent.CompletableFuture<Http.Answer> roots = getRootsList(onB, session);
        Thread.sleep(150); // the tool's call is on its way to the server, or waiting
        try (SseClient stream = openStream(onA, session)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(answerRootsUntilTheToolAnswers(stream, onB, session, roots, "file:///early"))
                    .as("the tool's answer: its roots/list reached the client and was answered")
                    .contains("file:///early");
        }
    }

    @Test
    void theServersStreamResumesAfterTheLastEventRelayedSoWhatItAskedMeanwhileArrives() throws Exception {
        try (TcpForwarder path =
                TcpForwarder.start(java.net.URI.create(server.url()).getPort())) {
            String onA = registerThrough(path, "cut");
            String session = initializeWithRoots(onA);
            try (SseClient stream = openStream(onA, session)) {
                awaitRelayedByA(session);
                sendInitialized(onA, session);
                // the server's own roots/list after initialized: an event with an id, relayed
                assertThat(stream.nextWithData("\"roots/list\"", Duration.ofSeconds(8)))
                        .isNotNull();

                // the server's stream is cut and its reopening held back longer than a request waits for it
                path.delayRequests("GET ", Duration.ofSeconds(5));
                path.cut();
                Thread.sleep(1000);
                java.util.concurrent.CompletableFuture<Http.Answer> roots = getRootsList(onA, session);
                // asked while no stream of the server was open: the server keeps it, and the reopen resumes
                SseClient.Event asked = stream.nextWithData("\"roots/list\"", Duration.ofSeconds(12));
                assertThat(asked)
                        .as("the server's roots/list, kept while its stream was down, replayed on the reopen")
                        .isNotNull();
                assertThat(path.exchanges())
                        .as("the reopen asked to resume, and the server agreed")
                        .anySatisfy(e -> {
                            assertThat(e.request()).startsWith("GET ").containsIgnoringCase("\r\nLast-Event-ID: ");
                            assertThat(e.answer()).startsWith("HTTP/1.1 200");
                        });
                answerRoots(onA, session, asked, "file:///resumed");
                assertThat(roots.get(20, java.util.concurrent.TimeUnit.SECONDS).body())
                        .contains("file:///resumed");
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void aLeaseOfAReplicaThatDiedLapsesAndAWatchingReplicaTakesTheStream() {
        String session = initialize(b);
        String leaseKey = "switchboard:lease:mcp-backend-stream:" + session;
        // a replica that died holding the lease: nobody renews it, nobody releases it
        assertThat(TestRedis.shared().command("SET", leaseKey, "dead-replica", "PX", "2500"))
                .isEqualTo("+OK");
        try (SseClient onA = openStream(url(a), session)) {
            assertThat(onA.status()).isEqualTo(200);
            await().pollDelay(Duration.ofMillis(700))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> "dead-replica".equals(TestRedis.shared().command("GET", leaseKey)));
            await().atMost(Duration.ofSeconds(6)).until(() -> "a".equals(leaseHolder(leaseKey)));
            Http.Answer toggled = Http.send(
                    "POST",
                    url(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"toggle-simulated-logging\",\"arguments\":{}}}",
                    sessionHeaders(session));
            assertThat(toggled.status()).isEqualTo(200);
            SseClient.Event log = onA.nextWithData("notifications/message", Duration.ofSeconds(15));
            assertThat(log)
                    .as("a logging message relayed by replica a once the dead lease lapsed")
                    .isNotNull();
            Http.send(
                    "POST",
                    url(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"toggle-simulated-logging\",\"arguments\":{}}}",
                    sessionHeaders(session));
        }
    }

    @Test
    void anotherReplicaTakesTheServersStreamOverWhenItsHolderCloses() {
        String session = initialize(a);
        String leaseKey = "switchboard:lease:mcp-backend-stream:" + session;
        Map<String, String> get =
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
        try (SseClient onA = SseClient.open(url(a), get)) {
            assertThat(onA.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> "a".equals(leaseHolder(leaseKey)));
            a.close();
            a = null;
        }
        // the client's stream ended with its replica; it reconnects through another (one standalone stream per
        // session across the fleet, so that replica is the one holding it now)
        try (SseClient onB = SseClient.open(url(b), get)) {
            assertThat(onB.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(leaseHolder(leaseKey)));
            // b now relays the server's stream: a log message the server sends on its own arrives
            Http.Answer toggled = Http.send(
                    "POST",
                    url(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"toggle-simulated-logging\",\"arguments\":{}}}",
                    sessionHeaders(session));
            assertThat(toggled.status()).isEqualTo(200);
            SseClient.Event log = onB.nextWithData("notifications/message", Duration.ofSeconds(15));
            assertThat(log).as("a logging message relayed by replica b").isNotNull();
            Http.send(
                    "POST",
                    url(b),
                    "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"toggle-simulated-logging\",\"arguments\":{}}}",
                    sessionHeaders(session));
        }
    }
}
