package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionRequest;
import dev.switchboard.gateway.invoke.FunctionResponse;
import dev.switchboard.gateway.invoke.FunctionSender;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.InMemoryFunctionStore;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link McpRequestHandler} without HTTP: a recording sink stands for the client's stream, and a function
 * scripted in memory stands behind the real {@link McpBackend} and {@link BackendCall} (no socket, no Redis:
 * the in-memory state store). The socket-level behaviour is covered by the transports' own tests
 * ({@code McpContractTest}, {@code McpResumptionTest}, {@code McpStatefulBackendTest}).
 */
@Timeout(10)
class McpRequestHandlerTest {
    private static final FunctionRegistration FUNCTION = new FunctionRegistration(
            "fake",
            FunctionKind.MCP,
            URI.create("http://127.0.0.1:9/mcp"),
            "POST",
            Duration.ofSeconds(5),
            Map.of(),
            "",
            Optional.empty(),
            0,
            RetryPolicy.NONE,
            ClientAuth.NONE,
            Optional.empty(),
            Instant.EPOCH,
            Instant.EPOCH,
            1);

    private final Clock clock = Clock.systemUTC();
    private final MemoryStateStore state =
            new MemoryStateStore(clock, 1000, Duration.ofMinutes(5), Duration.ofMinutes(5));
    private final FakeFunction function = new FakeFunction();
    private final StreamHub hub = new StreamHub(10, 100, state);
    private final HeartbeatTicker ticker = new HeartbeatTicker(hub, Duration.ofSeconds(15));
    private final PeriodicWork work = new PeriodicWork("test-periodic-work");
    private final McpService service = new McpService(
            new FunctionCatalog(new InMemoryFunctionStore(clock), work),
            state,
            hub,
            ticker,
            new CallLimits(16, new ResponseBudget(1 << 20)),
            new GatewayMetrics(),
            GatewayConfig.from(Map.of()),
            clock,
            function,
            new IdentityStreams(10),
            new SessionBudget(100),
            work);
    private final McpRequestHandler handler = service.handler();

    @AfterEach
    void stop() {
        service.close();
        ticker.close();
        work.close();
    }

    @Test
    void aRequestIsRelayedWithTheFunctionsNotificationsThenItsResponse() throws Exception {
        McpSession session = statelessSession("2025-06-18");
        function.script = m -> Answer.sse(
                notification("notifications/progress", "{\"progress\":1}"), JsonRpc.result(m.get("id"), text("done")));
        RecordingSink sink = new RecordingSink();

        handler.request(FUNCTION, session, read(request(7, "tools/call", "{\"name\":\"echo\"}")), sink);

        assertThat(sink.messages).hasSize(2);
        assertThat(sink.messages.get(0).path("method").asText()).isEqualTo("notifications/progress");
        assertThat(sink.lastFlags).containsExactly(false, true);
        assertThat(sink.messages.get(1).get("id").asInt()).isEqualTo(7);
        assertThat(sink.messages.get(1).at("/result/content/0/text").asText()).isEqualTo("done");
        FunctionRequest sent = function.received.poll();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(Json.MAPPER.readTree(sent.body()).path("method").asText()).isEqualTo("tools/call");
        // a stateless function gets the session's version and no function session of its own
        assertThat(sent.gatewayHeaders()).containsEntry("MCP-Protocol-Version", "2025-06-18");
        assertThat(sent.gatewayHeaders().get("Mcp-Session-Id")).isNull();
    }

    @Test
    void aStatefulFunctionGetsItsOwnSessionIdOnEveryRequest() throws Exception {
        McpSession session = save(new McpSession(
                McpIds.sessionId(),
                FUNCTION.name(),
                "2025-11-25",
                null,
                null,
                "backend-1",
                "2025-11-25",
                null,
                Instant.now(),
                Identity.ANONYMOUS));
        RecordingSink sink = new RecordingSink();

        handler.request(FUNCTION, session, read(request(1, "tools/list", null)), sink);

        assertThat(sink.messages).hasSize(1);
        assertThat(function.received.poll().gatewayHeaders())
                .containsEntry("Mcp-Session-Id", "backend-1")
                .containsEntry("MCP-Protocol-Version", "2025-11-25");
    }

    @Test
    void theSessionsMetaGoesToTheFunctionWithoutChangingTheClientsMessage() throws Exception {
        JsonNode capabilities = Json.MAPPER.readTree("{\"sampling\":{}}");
        JsonNode clientInfo = Json.MAPPER.readTree("{\"name\":\"c\",\"version\":\"1\"}");
        McpSession session = save(new McpSession(
                McpIds.sessionId(),
                FUNCTION.name(),
                "2025-11-25",
                clientInfo,
                capabilities,
                null,
                McpVersions.MODERN,
                "debug",
                Instant.now(),
                Identity.ANONYMOUS));
        JsonNode message = request(3, "tools/call", "{\"name\":\"echo\",\"_meta\":{\"progressToken\":\"p\"}}");
        JsonNode before = message.deepCopy();

        handler.request(FUNCTION, session, read(message), new RecordingSink());

        FunctionRequest sent = function.received.poll();
        JsonNode meta = Json.MAPPER.readTree(sent.body()).at("/params/_meta");
        assertThat(Json.MAPPER.readTree(sent.body()).at("/params").fieldNames())
                .toIterable()
                .as("the params keep their members and order")
                .containsExactly("name", "_meta");
        assertThat(meta.path("progressToken").asText()).isEqualTo("p");
        assertThat(meta.path(McpMeta.LOG_LEVEL).asText()).isEqualTo("debug");
        assertThat(meta.path(McpMeta.CLIENT_CAPABILITIES)).isEqualTo(capabilities);
        assertThat(meta.path(McpMeta.PROTOCOL_VERSION).asText()).isEqualTo(McpVersions.MODERN);
        assertThat(meta.path(McpMeta.CLIENT_INFO)).isEqualTo(clientInfo);
        // a 2026-07-28 function gets the standard headers instead of a session's
        assertThat(sent.gatewayHeaders())
                .containsEntry("MCP-Protocol-Version", McpVersions.MODERN)
                .containsEntry("Mcp-Method", "tools/call")
                .containsEntry("Mcp-Name", "echo");
        assertThat(message).isEqualTo(before);
    }

    @Test
    void theFunctionGetsTheClientsOwnTextWithTheSessionsMetaWrittenIn() throws Exception {
        McpSession session = save(new McpSession(
                McpIds.sessionId(),
                FUNCTION.name(),
                "2025-11-25",
                Json.MAPPER.readTree("{\"name\":\"c\",\"version\":\"1\"}"),
                Json.MAPPER.readTree("{\"elicitation\":{}}"),
                null,
                "2025-11-25",
                "info",
                Instant.now(),
                Identity.ANONYMOUS));
        // what a tree written again would change: number forms, escapes, spacing
        String arguments = "{ \"n\" : 1.50, \"big\": 1E+2, \"s\": \"h\\u00e9\" }";
        String call = "{\"jsonrpc\":\"2.0\", \"id\":4,\"method\":\"tools/call\",\"params\": {\"name\":\"echo\","
                + "\"arguments\":" + arguments + "}}";
        ClientMessage read = ClientMessage.read(JsonMapper.forRequestBodies(64), call.getBytes(StandardCharsets.UTF_8));

        handler.request(FUNCTION, session, read, new RecordingSink());

        String sent = new String(function.received.poll().body(), StandardCharsets.UTF_8);
        assertThat(sent).contains("\"arguments\":" + arguments).startsWith("{\"jsonrpc\":\"2.0\", \"id\":4,");
        JsonNode meta = Json.MAPPER.readTree(sent).at("/params/_meta");
        assertThat(meta.path(McpMeta.LOG_LEVEL).asText()).isEqualTo("info");
        assertThat(meta.path(McpMeta.CLIENT_CAPABILITIES).has("elicitation")).isTrue();

        // a request without params gets them, holding the _meta alone
        handler.request(FUNCTION, session, read(request(5, "tools/list", null)), new RecordingSink());
        JsonNode list = Json.MAPPER.readTree(function.received.poll().body());
        assertThat(list.path("params").fieldNames()).toIterable().containsExactly("_meta");
        assertThat(list.at("/params/_meta/" + McpMeta.LOG_LEVEL.replace("/", "~1"))
                        .asText())
                .isEqualTo("info");
        assertThat(list.path("method").asText()).isEqualTo("tools/list");
    }

    @Test
    void aBatchIsAnsweredInOrderAndANotificationOnlyBatchHasNoBody() throws Exception {
        McpSession session = statelessSession("2025-03-26");
        ArrayNode batch = Json.MAPPER
                .createArrayNode()
                .add(request(1, "ping", null))
                .add(notification("notifications/initialized", null))
                .add(request("two", "tools/list", null))
                .add(Json.MAPPER.readTree("42"));

        Optional<ArrayNode> answer = handler.batch(FUNCTION, session, batch);

        assertThat(answer).isPresent();
        ArrayNode responses = answer.get();
        assertThat(responses).hasSize(3);
        assertThat(responses.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(responses.get(0).has("result")).isTrue();
        assertThat(responses.get(1).get("id").asText()).isEqualTo("two");
        assertThat(responses.get(1).has("result")).isTrue();
        // an entry that is no object has no id to answer: JSON-RPC's null
        assertThat(responses.get(2).get("error").path("code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        // only tools/list reached the (stateless) function: ping is answered here, the notification kept here
        assertThat(function.received).hasSize(1);

        // a batch of notifications only has nothing to answer: its POST gets 202
        ArrayNode notifications = Json.MAPPER.createArrayNode().add(notification("notifications/initialized", null));
        assertThat(handler.batch(FUNCTION, session, notifications)).isEmpty();
    }

    @Test
    void aNotificationIsAcceptedWithoutAnAnswerAndForwardedOnlyToAStatefulFunction() {
        McpSession stateless = statelessSession("2025-06-18");

        // no sink: a notification's POST is answered 202 by its transport, whatever happens to it here
        handler.notificationOrAnswer(
                FUNCTION, stateless, notification("notifications/roots/list_changed", null), Runnable::run);

        assertThat(function.received).isEmpty();

        McpSession stateful = statefulSession("backend-2");
        function.script = m -> Answer.status(202);
        handler.notificationOrAnswer(
                FUNCTION, stateful, notification("notifications/roots/list_changed", null), Runnable::run);

        FunctionRequest forwarded = function.received.poll();
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.gatewayHeaders()).containsEntry("Mcp-Session-Id", "backend-2");
    }

    @Test
    void aCancelledRequestGetsNoResponse() throws Exception {
        McpSession session = statelessSession("2025-11-25");
        CountDownLatch never = new CountDownLatch(1);
        function.script = m -> Answer.blocking(never);
        RecordingSink sink = new RecordingSink();
        Thread call = Thread.ofVirtual().start(() -> {
            try {
                handler.request(FUNCTION, session, read(request(9, "tools/call", "{\"name\":\"slow\"}")), sink);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(function.received.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(function.senders.poll())
                .as("the call runs on the request's own thread")
                .isSameAs(call);

        // the call may not be registered yet when the function already has it: ask again, a few times
        JsonNode cancel = notification("notifications/cancelled", "{\"requestId\":9,\"reason\":\"user\"}");
        for (int i = 0; i < 50 && sink.ended.getCount() > 0; i++) {
            handler.notificationOrAnswer(FUNCTION, session, cancel, Runnable::run);
            sink.ended.await(20, TimeUnit.MILLISECONDS);
        }

        assertThat(sink.ended.await(2, TimeUnit.SECONDS)).isTrue();
        call.join(Duration.ofSeconds(2));
        assertThat(sink.cancelled).isTrue();
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void aClientsAnswersReachTheBridgeOrTheStatefulFunctionThatAsked() throws Exception {
        McpSession session = statefulSession("backend-3");
        // an answer to a bridged input request: to the mailbox the waiting replica reads
        JsonNode bridged =
                Json.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"sb-abc\",\"result\":{\"action\":\"ok\"}}");

        handler.notificationOrAnswer(FUNCTION, session, bridged, Runnable::run);

        List<ClientEvent> mailbox =
                state.events().readAfter(McpIds.logKey(session.id(), "answer:sb-abc"), EventIds.ZERO, 10);
        assertThat(mailbox).hasSize(1);
        assertThat(Json.MAPPER.readTree(mailbox.getFirst().data())).isEqualTo(bridged);
        assertThat(function.received).isEmpty();

        // an answer to the function's own request (from its standalone stream): back with the function's id
        String minted = RelayedRequestIds.ID_PREFIX
                + Base64.getUrlEncoder().withoutPadding().encodeToString("\"srv-1\"".getBytes(StandardCharsets.UTF_8));
        function.script = m -> Answer.status(202);
        handler.notificationOrAnswer(
                FUNCTION,
                session,
                Json.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":\"" + minted + "\",\"result\":{\"roots\":[]}}"),
                Runnable::run);

        FunctionRequest forwarded = function.received.poll();
        assertThat(forwarded).isNotNull();
        assertThat(Json.MAPPER.readTree(forwarded.body()).get("id").asText()).isEqualTo("srv-1");
        assertThat(forwarded.gatewayHeaders()).containsEntry("Mcp-Session-Id", "backend-3");
    }

    @Test
    void aRequestsErrorsAlwaysCarryItsId() throws Exception {
        McpSession session = statelessSession("2025-06-18");
        Map<String, Function<JsonNode, Answer>> failures = Map.of(
                "HTTP 500", m -> Answer.of(500, "text/plain", "boom"),
                "invalid JSON", m -> Answer.of(200, "application/json", "{oops"),
                "no response", m -> Answer.sse(notification("notifications/progress", "{\"progress\":1}")),
                "an error answer", m -> Answer.json(200, JsonRpc.error(m.get("id"), -32602, "bad")),
                "a refusal with id null", m -> Answer.json(400, JsonRpc.error(NullNode.getInstance(), -32600, "no")),
                "a refusal without an id",
                        m -> Answer.of(
                                403,
                                "application/json",
                                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"no\"}}"));
        for (Map.Entry<String, Function<JsonNode, Answer>> failure : failures.entrySet()) {
            function.script = failure.getValue();
            RecordingSink sink = new RecordingSink();

            handler.request(FUNCTION, session, read(request("r-1", "tools/call", "{\"name\":\"x\"}")), sink);

            assertThat(sink.last).as(failure.getKey()).isNotNull();
            assertThat(sink.last.has("error")).as(failure.getKey()).isTrue();
            assertThat(sink.last.get("id").asText()).as(failure.getKey()).isEqualTo("r-1");
        }
        // answered here: an unknown level, initialize again
        RecordingSink level = new RecordingSink();
        handler.request(FUNCTION, session, read(request(5, "logging/setLevel", "{\"level\":\"loud\"}")), level);
        assertThat(level.last.get("id").asInt()).isEqualTo(5);
        assertThat(level.last.path("error").path("code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        RecordingSink again = new RecordingSink();
        handler.request(FUNCTION, session, read(request(6, "initialize", "{}")), again);
        assertThat(again.last.get("id").asInt()).isEqualTo(6);
        // and in a batch
        McpSession batchSession = statelessSession("2025-03-26");
        function.script = m -> Answer.of(500, "text/plain", "boom");
        ArrayNode answers = handler.batch(
                        FUNCTION, batchSession, Json.MAPPER.createArrayNode().add(request(11, "tools/list", null)))
                .orElseThrow();
        assertThat(answers.get(0).get("id").asInt()).isEqualTo(11);
        assertThat(answers.get(0).has("error")).isTrue();
    }

    // ---- fixtures ----

    private McpSession statelessSession(String version) {
        return save(new McpSession(
                McpIds.sessionId(),
                FUNCTION.name(),
                version,
                null,
                null,
                null,
                version,
                null,
                Instant.now(),
                Identity.ANONYMOUS));
    }

    private McpSession statefulSession(String backendSessionId) {
        return save(new McpSession(
                McpIds.sessionId(),
                FUNCTION.name(),
                "2025-11-25",
                null,
                null,
                backendSessionId,
                "2025-11-25",
                null,
                Instant.now(),
                Identity.ANONYMOUS));
    }

    private McpSession save(McpSession session) {
        state.mcpSessions().save(session);
        return session;
    }

    /** @return the message as a transport reads it from a client's POST: its text kept */
    private static ClientMessage read(JsonNode message) throws IOException {
        return ClientMessage.read(JsonMapper.forRequestBodies(64), Json.bytes(message));
    }

    private static JsonNode request(Object id, String method, String params) {
        try {
            return Json.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"id\":" + Json.write(Json.MAPPER.valueToTree(id))
                    + ",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode notification(String method, String params) {
        try {
            return Json.MAPPER.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\""
                    + (params == null ? "" : ",\"params\":" + params) + "}");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode text(String text) {
        return Json.object()
                .set(
                        "content",
                        Json.MAPPER
                                .createArrayNode()
                                .add(Json.object().put("type", "text").put("text", text)));
    }

    /** The client's side: what the handler sent, in order. */
    private static final class RecordingSink implements McpRelay.Sink {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final List<Boolean> lastFlags = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile JsonNode last;
        volatile boolean cancelled;

        @Override
        public void send(JsonNode message, boolean last) {
            messages.add(message);
            lastFlags.add(last);
            if (last) {
                this.last = message;
                ended.countDown();
            }
        }

        @Override
        public void cancelled() {
            cancelled = true;
            ended.countDown();
        }

        @Override
        public boolean committed() {
            return !messages.isEmpty();
        }
    }

    /** A function's answer: status, content type and body. */
    private record Answer(int status, String contentType, InputStream body) implements FunctionResponse {
        static Answer of(int status, String contentType, String body) {
            return new Answer(status, contentType, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }

        static Answer json(int status, JsonNode message) {
            return of(status, "application/json", Json.write(message));
        }

        static Answer status(int status) {
            return of(status, "text/plain", "");
        }

        static Answer sse(JsonNode... messages) {
            StringBuilder body = new StringBuilder();
            for (JsonNode m : messages) {
                body.append("event: message\ndata: ").append(Json.write(m)).append("\n\n");
            }
            return of(200, "text/event-stream", body.toString());
        }

        /**
         * An SSE answer that sends nothing until {@code release}, or until the answer is closed (a cancelled
         * call closes it from another thread, as it closes a real function's connection).
         */
        static Answer blocking(CountDownLatch release) {
            CountDownLatch closed = new CountDownLatch(1);
            return new Answer(200, "text/event-stream", new InputStream() {
                @Override
                public int read() throws IOException {
                    try {
                        for (int i = 0; i < 1_000 && !release.await(10, TimeUnit.MILLISECONDS); i++) {
                            if (closed.getCount() == 0) {
                                throw new IOException("answer closed");
                            }
                        }
                        return -1;
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("call interrupted");
                    }
                }

                @Override
                public void close() {
                    closed.countDown();
                }
            });
        }

        @Override
        public Optional<String> header(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? Optional.of(contentType) : Optional.empty();
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }

    /** The function: answers each POST by its script (a JSON result by default), and keeps what it was sent. */
    private static final class FakeFunction implements FunctionSender {
        final BlockingQueue<FunctionRequest> received = new LinkedBlockingQueue<>();
        final BlockingQueue<Thread> senders = new LinkedBlockingQueue<>();
        volatile Function<JsonNode, Answer> script = m -> Answer.json(200, JsonRpc.result(m.get("id"), Json.object()));

        @Override
        public FunctionResponse send(FunctionRequest request) {
            senders.add(Thread.currentThread());
            received.add(request);
            if (!"POST".equals(request.method())) {
                return Answer.status(204);
            }
            try {
                return script.apply(Json.MAPPER.readTree(request.body()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
