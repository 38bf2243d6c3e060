package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MCP Streamable HTTP endpoint over real sockets, in front of a real (stub) MCP function: sessions,
 * relaying of JSON and SSE answers, resumption, logging level, Origin checks, errors. Run per state store.
 */
abstract class McpContractTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ACCEPT_BOTH = "application/json, text/event-stream";

    McpFunctionStub function;
    McpFunctionStub statefulFunction;
    Gateway gateway;

    abstract Map<String, String> storeConfig();

    abstract void resetStore();

    @BeforeEach
    void start() {
        resetStore();
        function = McpFunctionStub.start(false);
        statefulFunction = McpFunctionStub.start(true);
        startGateway(Map.of());
        register("tools", function.url(), "2s");
        register("stateful", statefulFunction.url(), "2s");
    }

    /** Starts the gateway with the store's settings, the tests' defaults and {@code extra}. */
    void startGateway(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(storeConfig());
        values.putAll(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "200ms"));
        values.putAll(extra);
        gateway = Gateway.start(GatewayConfig.from(values));
    }

    /** Registers {@code tools} again after a restart, where the store forgot it (memory; Redis keeps it). */
    void registerToolsAgain() {
        if (Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions/tools")
                        .status()
                == 404) {
            register("tools", function.url(), "2s");
        }
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
        statefulFunction.close();
    }

    void register(String name, String endpoint, String timeout) {
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"" + name + "\",\"kind\":\"mcp\",\"endpoint\":\"" + endpoint + "\",\"timeout\":\"" + timeout
                        + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    String mcp(String name) {
        return "http://127.0.0.1:" + gateway.port() + "/mcp/" + name;
    }

    Http.Answer post(String name, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        all.putAll(headers);
        return Http.send("POST", mcp(name), body, all);
    }

    String initialize(String name, String version) {
        Http.Answer a = post(
                name,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                        + "\"version\":\"1\"}}}",
                Map.of());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"x\":1},\"_meta\":{\"progressToken\":\"t\"}}}";
    }

    /** The JSON-RPC response of an answer: the JSON body, or the last event of an SSE stream (primed ones). */
    static JsonNode response(Http.Answer answer) {
        if (answer.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return json(SseClient.parse(answer.body()).getLast().data());
        }
        return answer.json();
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void initializesASessionAndNegotiatesTheVersion() {
        Http.Answer a = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"sampling\":{}},\"clientInfo\":{"
                        + "\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of());
        assertThat(a.status()).isEqualTo(200);
        String session = a.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(session).matches("[\\x21-\\x7e]{32,}");
        assertThat(a.json().get("result").get("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(a.json().get("result").get("serverInfo").get("name").asText())
                .isEqualTo("stub");

        String other = initialize("tools", "1999-01-01");
        assertThat(other).isNotEqualTo(session);
        assertThat(gateway.state().mcpSessions().count())
                .as("open sessions, for the gauge")
                .isEqualTo(2);
        assertThat(post(
                                "tools",
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                                        + "\"protocolVersion\":\"1999-01-01\"}}",
                                Map.of())
                        .json()
                        .get("result")
                        .get("protocolVersion")
                        .asText())
                .isEqualTo("2025-11-25");
    }

    @Test
    void refusesRequestsOutsideASession() {
        Http.Answer noSession = post("tools", call(2, "echo"), Map.of());
        assertThat(noSession.status()).isEqualTo(400);
        assertThat(noSession.json().get("error").get("code").asInt()).isEqualTo(-32000);
        Http.Answer unknown = post("tools", call(2, "echo"), Map.of("Mcp-Session-Id", "nope"));
        assertThat(unknown.status()).isEqualTo(404);
        Http.Answer server = post("missing", call(2, "echo"), Map.of());
        assertThat(server.status()).isEqualTo(404);
        assertThat(server.json().get("jsonrpc").asText()).isEqualTo("2.0");
        String session = initialize("tools", "2025-11-25");
        assertThat(post("stateful", call(2, "echo"), Map.of("Mcp-Session-Id", session))
                        .status())
                .as("a session belongs to one server")
                .isEqualTo(404);
        assertThat(post(
                                "tools",
                                call(2, "echo"),
                                Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "1999-01-01"))
                        .status())
                .isEqualTo(400);
        assertThat(post("tools", "{not json", Map.of("Mcp-Session-Id", session))
                        .json()
                        .get("error")
                        .get("code")
                        .asInt())
                .isEqualTo(-32700);
        // MAX_JSON_DEPTH (64 by default) is checked while parsing
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":" + "[".repeat(70) + "]".repeat(70) + "}}";
        Http.Answer tooDeep = post("tools", deep, Map.of("Mcp-Session-Id", session));
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.json().get("error").get("code").asInt()).isEqualTo(-32700);
        assertThat(tooDeep.json().get("error").get("message").asText()).contains("MAX_JSON_DEPTH");
        assertThat(Http.send(
                                "POST",
                                mcp("tools"),
                                call(2, "echo"),
                                Map.of(
                                        "Content-Type",
                                        "application/json",
                                        "Accept",
                                        "text/html",
                                        "Mcp-Session-Id",
                                        session))
                        .status())
                .isEqualTo(406);
    }

    @Test
    void aMessageThatIsNoJsonRpcMessageIsRefusedWithItsCode() {
        String session = initialize("tools", "2025-11-25");
        Map<String, String> inSession = Map.of("Mcp-Session-Id", session);
        int before = function.received().size();
        record Case(String body, int code, String why) {}
        for (Case c : java.util.List.of(
                new Case("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\"}", -32600, "a null id"),
                new Case("{\"id\":3,\"method\":\"tools/list\"}", -32600, "no jsonrpc member"),
                new Case("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"tools/list\"}", -32600, "another version"),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/list\"}", -32600, "an object id"),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}", -32600, "a method that is no string"),
                new Case("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"} xx", -32700, "something after it"),
                new Case(
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}",
                        -32700,
                        "two messages back to back"),
                new Case("", -32700, "an empty body"))) {
            Http.Answer refused = post("tools", c.body(), inSession);
            assertThat(refused.status()).as(c.why()).isEqualTo(400);
            assertThat(refused.json().path("error").path("code").asInt())
                    .as(c.why())
                    .isEqualTo(c.code());
        }
        Http.Answer withItsId = post("tools", "{\"id\":\"q7\",\"method\":\"ping\"}", inSession);
        assertThat(withItsId.json().path("id").asText())
                .as("a refusal answers the id it could read")
                .isEqualTo("q7");
        Http.Answer noMethod = post("tools", "{\"jsonrpc\":\"2.0\",\"id\":7}", inSession);
        assertThat(noMethod.json().path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(noMethod.json().path("id").asInt())
                .as("no method: the id is still readable")
                .isEqualTo(7);
        assertThat(function.received())
                .as("nothing refused reached the function")
                .hasSize(before);
        assertThat(post(
                                "tools",
                                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}}",
                                inSession)
                        .status())
                .as("an error answer to a request whose id the client could not read carries a null id")
                .isEqualTo(202);
    }

    @Test
    void relaysRequestsAndAnswersPingAndNotificationsItself() {
        String session = initialize("tools", "2025-06-18");
        int before = function.received().size();
        Http.Answer ping =
                post("tools", "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", Map.of("Mcp-Session-Id", session));
        assertThat(ping.json().get("result").isObject()).isTrue();
        Http.Answer note = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                Map.of("Mcp-Session-Id", session));
        assertThat(note.status()).isEqualTo(202);
        assertThat(note.body()).isEmpty();
        assertThat(function.received()).hasSize(before).as("ping and notifications stay at the gateway");

        Http.Answer echo = post("tools", call(3, "echo"), Map.of("Mcp-Session-Id", session));
        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.json().get("id").asInt()).isEqualTo(3);
        assertThat(echo.json().get("result").get("content").get(0).get("text").asText())
                .isEqualTo("echo: {\"x\":1}");
        McpFunctionStub.Received forwarded = function.last("tools/call");
        assertThat(forwarded.headers().getFirst("MCP-Protocol-Version")).isEqualTo("2025-06-18");
        assertThat(forwarded.headers().getFirst("Accept")).contains("application/json", "text/event-stream");
        assertThat(forwarded.headers().containsKey("Mcp-Session-Id"))
                .as("a stateless function gets no session")
                .isFalse();
        // the call is recorded once its answer is written: the client may read the answer first
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                    .body();
            assertThat(metrics)
                    .contains("switchboard_mcp_requests_seconds_count{function=\"tools\","
                            + "method=\"tools/call\",outcome=\"ok\"} 1");
            assertThat(metrics).contains("switchboard_mcp_sessions_opened_total");
        });
    }

    @Test
    void aClientsMadeUpMethodNamesDoNotBecomeMetricSeries() {
        String session = initialize("tools", "2025-11-25");
        for (int i = 0; i < 3; i++) {
            post(
                    "tools",
                    "{\"jsonrpc\":\"2.0\",\"id\":" + (50 + i) + ",\"method\":\"x/made-up-" + i + "\"}",
                    Map.of("Mcp-Session-Id", session));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                    .body();
            assertThat(metrics).contains("switchboard_mcp_requests_seconds_count{function=\"tools\",method=\"other\"");
            assertThat(metrics).doesNotContain("made-up");
        });
    }

    @Test
    void limitsConcurrentCallsPerFunction() throws Exception {
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"single\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url()
                        + "\",\"timeout\":\"2s\",\"max_concurrency\":1}");
        assertThat(a.status()).isEqualTo(201);
        String session = initialize("single", "2025-11-25");
        Thread slow =
                Thread.ofVirtual().start(() -> post("single", call(30, "slow"), Map.of("Mcp-Session-Id", session)));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> function.received().stream()
                        .anyMatch(r -> r.message() != null
                                && "slow"
                                        .equals(r.message()
                                                .path("params")
                                                .path("name")
                                                .asText())));
        Http.Answer busy = post("single", call(31, "echo"), Map.of("Mcp-Session-Id", session));
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.json().get("error").get("message").asText()).contains("max_concurrency");
        slow.join();
    }

    @Test
    void relaysStreamedAnswersWithResumableIds() {
        String session = initialize("tools", "2025-11-25");
        Http.Answer streamed = post("tools", call(4, "progress"), Map.of("Mcp-Session-Id", session));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<SseClient.Event> events = SseClient.parse(streamed.body());
        assertThat(events).hasSize(4);
        assertThat(events.get(0).data()).as("priming event").isEmpty();
        assertThat(json(events.get(1).data()).get("method").asText()).isEqualTo("notifications/progress");
        assertThat(json(events.get(2).data()).get("params").get("progress").asInt())
                .isEqualTo(100);
        assertThat(json(events.get(3).data())
                        .get("result")
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText())
                .isEqualTo("done");
        assertThat(events).extracting(SseClient.Event::id).doesNotContainNull().doesNotHaveDuplicates();

        // resume after the first notification: the rest of that stream, response included
        Http.Answer resumed = Http.send(
                "GET",
                mcp("tools"),
                null,
                Map.of(
                        "Accept",
                        "text/event-stream",
                        "Mcp-Session-Id",
                        session,
                        "Last-Event-ID",
                        events.get(1).id()));
        List<SseClient.Event> rest = SseClient.parse(resumed.body());
        assertThat(rest)
                .extracting(SseClient.Event::id)
                .containsExactly(events.get(2).id(), events.get(3).id());

        // an older client gets no priming event (it cannot handle empty data)
        String old = initialize("tools", "2025-06-18");
        List<SseClient.Event> oldEvents =
                SseClient.parse(post("tools", call(5, "progress"), Map.of("Mcp-Session-Id", old))
                        .body());
        assertThat(oldEvents).hasSize(3).noneMatch(e -> e.data().isEmpty());
    }

    @Test
    void answersBatchesOnlyFor2025_03_26() {
        String session = initialize("tools", "2025-03-26");
        Http.Answer batch = post(
                "tools",
                "[" + call(1, "echo") + ",{\"jsonrpc\":\"2.0\",\"method\":"
                        + "\"notifications/initialized\"}," + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},"
                        + call(3, "fail") + "]",
                Map.of("Mcp-Session-Id", session));
        assertThat(batch.status()).isEqualTo(200);
        JsonNode answers = batch.json();
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(answers.get(0)
                        .get("result")
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText())
                .startsWith("echo:");
        assertThat(answers.get(1).get("id").asInt()).isEqualTo(2);
        assertThat(answers.get(2).get("error").get("code").asInt()).isEqualTo(-32603);
        assertThat(post(
                                "tools",
                                "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]",
                                Map.of("Mcp-Session-Id", session))
                        .status())
                .isEqualTo(202);

        // an element with a bad envelope is refused on its own, as a single message would be; the others served
        Http.Answer mixed = post(
                "tools",
                "[{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":null,"
                        + "\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":5},"
                        + "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}]",
                Map.of("Mcp-Session-Id", session));
        assertThat(mixed.status()).isEqualTo(200);
        assertThat(mixed.json()).hasSize(4);
        assertThat(mixed.json().get(0).get("id").asInt())
                .as("a readable id is kept")
                .isEqualTo(7);
        assertThat(mixed.json().get(1).has("id"))
                .as("no id rather than a null one (McpEndpoint)")
                .isFalse();
        assertThat(mixed.json().get(2).get("id").asInt()).isEqualTo(9);
        for (int i = 0; i < 3; i++) {
            assertThat(mixed.json().get(i).get("error").get("code").asInt()).isEqualTo(-32600);
        }
        assertThat(mixed.json().get(3).get("id").asInt()).isEqualTo(10);
        assertThat(mixed.json().get(3).has("result")).isTrue();

        String newer = initialize("tools", "2025-06-18");
        Http.Answer refused = post("tools", "[" + call(1, "echo") + "]", Map.of("Mcp-Session-Id", newer));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").get("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void passesTheSessionsLoggingLevelToTheFunction() {
        String session = initialize("tools", "2025-11-25");
        Http.Answer set = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"logging/setLevel\",\"params\":{" + "\"level\":\"debug\"}}",
                Map.of("Mcp-Session-Id", session));
        assertThat(set.json().get("result").isObject()).isTrue();
        post("tools", call(9, "echo"), Map.of("Mcp-Session-Id", session));
        assertThat(function.last("tools/call")
                        .message()
                        .path("params")
                        .path("_meta")
                        .path("io.modelcontextprotocol/logLevel")
                        .asText())
                .isEqualTo("debug");
        Http.Answer bad = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"logging/setLevel\",\"params\":{" + "\"level\":\"loud\"}}",
                Map.of("Mcp-Session-Id", session));
        assertThat(bad.json().get("error").get("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void turnsFunctionFailuresIntoJsonRpcErrorsAndKeepsTheSession() {
        String session = initialize("tools", "2025-11-25");
        Http.Answer fail = post("tools", call(11, "fail"), Map.of("Mcp-Session-Id", session));
        assertThat(fail.status()).isEqualTo(200);
        assertThat(response(fail).get("id").asInt()).isEqualTo(11);
        assertThat(response(fail).get("error").get("code").asInt()).isEqualTo(-32603);
        assertThat(response(fail).get("error").get("message").asText()).contains("HTTP 500");
        Http.Answer slow = post("tools", call(12, "slow"), Map.of("Mcp-Session-Id", session));
        assertThat(response(slow).get("error").get("code").asInt()).isEqualTo(-32001);
        Http.Answer ask = post("tools", call(13, "ask"), Map.of("Mcp-Session-Id", session));
        assertThat(response(ask).get("error").get("message").asText())
                .as("input a client did not declare it can give")
                .contains("elicitation capability");
        assertThat(response(post("tools", call(14, "echo"), Map.of("Mcp-Session-Id", session)))
                        .get("result")
                        .isObject())
                .as("the session survives failures")
                .isTrue();
    }

    @Test
    void aClientThatAcceptsOnlyJsonGetsOneJsonAnswerWhateverTheCallSends() {
        String session = initializeAnsweringElicitation();
        Map<String, String> jsonOnly = Map.of("Mcp-Session-Id", session, "Accept", "application/json");
        Http.Answer progress = post("tools", call(31, "progress"), jsonOnly);
        assertThat(progress.status()).isEqualTo(200);
        assertThat(progress.headers().firstValue("Content-Type").orElse(""))
                .as("the notifications before the response have no room in one JSON body: dropped")
                .startsWith("application/json");
        assertThat(progress.json().path("id").asInt()).isEqualTo(31);
        assertThat(progress.json()
                        .path("result")
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("done");

        Http.Answer ask = post("tools", call(32, "ask"), jsonOnly);
        assertThat(ask.status()).isEqualTo(200);
        assertThat(ask.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(ask.json().path("id").asInt()).isEqualTo(32);
        assertThat(ask.json().path("error").path("code").asInt()).isEqualTo(-32603);
        assertThat(ask.json().path("error").path("message").asText()).contains("accepts only application/json");
    }

    /** @return a session of "tools" whose client declared it answers elicitations */
    private String initializeAnsweringElicitation() {
        Http.Answer init = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{}},\"clientInfo\":{"
                        + "\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of());
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @Test
    void bridgesInputRequiredToARealRequestOfTheClient() {
        String session = initializeAnsweringElicitation();
        try (SseClient stream = SseClient.post(
                mcp("tools"), call(20, "ask"), Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            SseClient.Event event = stream.next(Duration.ofSeconds(5));
            if (event.data().isEmpty()) {
                event = stream.next(Duration.ofSeconds(5));
            }
            JsonNode request = json(event.data());
            assertThat(request.get("method").asText()).isEqualTo("elicitation/create");
            assertThat(request.get("params").get("message").asText()).isEqualTo("What is your name?");
            String askId = request.get("id").asText();
            // the answer is an ordinary POST of a JSON-RPC response, accepted at once
            Http.Answer answered = post(
                    "tools",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"" + askId + "\",\"result\":{"
                            + "\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}",
                    Map.of("Mcp-Session-Id", session));
            assertThat(answered.status()).isEqualTo(202);
            JsonNode result = json(stream.next(Duration.ofSeconds(5)).data());
            assertThat(result.get("id").asInt()).isEqualTo(20);
            assertThat(result.get("result").get("content").get(0).get("text").asText())
                    .isEqualTo("Hello, Ada (state opaque-1)");
            assertThat(result.get("result").has("resultType"))
                    .as("2026 markers stay with the function")
                    .isFalse();
        }
        JsonNode retried = function.last("tools/call").message().get("params");
        assertThat(retried.get("inputResponses").get("name").get("action").asText())
                .isEqualTo("accept");
        assertThat(retried.get("requestState").asText()).isEqualTo("opaque-1");
        assertThat(retried.get("_meta")
                        .get("io.modelcontextprotocol/clientCapabilities")
                        .has("elicitation"))
                .isTrue();
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                        .body())
                .contains("switchboard_mcp_input_rounds_total{function=\"tools\"} 1.0");
    }

    @Test
    void aRequestCancelledWhileItsInputIsAwaitedEndsWithoutAnAnswer() {
        String session = initializeAnsweringElicitation();
        int callsBefore = (int) function.received().stream()
                .filter(r -> r.message() != null
                        && "tools/call".equals(r.message().path("method").asText()))
                .count();
        try (SseClient stream = SseClient.post(
                mcp("tools"), call(21, "ask"), Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            SseClient.Event event = stream.next(Duration.ofSeconds(5));
            if (event.data().isEmpty()) {
                event = stream.next(Duration.ofSeconds(5));
            }
            String askId = json(event.data()).get("id").asText();
            int quiet = stream.comments();
            // a person takes their time: the stream is kept alive while the answer is awaited
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments() >= quiet + 2);
            assertThat(post(
                                    "tools",
                                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
                                            + "\"requestId\":21,\"reason\":\"changed my mind\"}}",
                                    Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(202);
            assertThat(stream.awaitEnd(Duration.ofSeconds(5)))
                    .as("the stream ends at the cancellation, not at MCP_INPUT_TIMEOUT")
                    .isTrue();
            assertThat(stream.pending())
                    .as("no answer to a cancelled request")
                    .noneMatch(e -> e.data().contains("\"id\":21"));
            // an answer that comes after all is dropped: the function is not called again
            post(
                    "tools",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"" + askId + "\",\"result\":{\"action\":\"accept\","
                            + "\"content\":{\"name\":\"Ada\"}}}",
                    Map.of("Mcp-Session-Id", session));
        }
        assertThat(function.received().stream()
                        .filter(r -> r.message() != null
                                && "tools/call"
                                        .equals(r.message().path("method").asText()))
                        .count())
                .as("the first round only")
                .isEqualTo(callsBefore + 1);
    }

    @Test
    void keepsALongCallsStreamAlive() {
        String session = initialize("tools", "2025-11-25");
        // the stub's slow tool outlasts the 2 s timeout; heartbeats are every 200 ms in these tests
        Http.Answer slow = post("tools", call(40, "slow"), Map.of("Mcp-Session-Id", session));
        assertThat(slow.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(slow.body()).contains(": keep-alive");
        List<SseClient.Event> events = SseClient.parse(slow.body());
        assertThat(json(events.getLast().data()).get("error").get("code").asInt())
                .isEqualTo(-32001);
        Http.Answer jsonOnly = Http.send(
                "POST",
                mcp("tools"),
                call(41, "slow"),
                Map.of("Content-Type", "application/json", "Accept", "application/json", "Mcp-Session-Id", session));
        assertThat(jsonOnly.json().get("error").get("code").asInt())
                .as("a JSON-only client waits for JSON")
                .isEqualTo(-32001);
    }

    @Test
    void cancelsAnInflightCall() throws Exception {
        String session = initialize("tools", "2025-11-25");
        Thread canceller = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            post(
                    "tools",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":15}}",
                    Map.of("Mcp-Session-Id", session));
        });
        long start = System.nanoTime();
        Http.Answer slow = post("tools", call(15, "slow"), Map.of("Mcp-Session-Id", session));
        canceller.join();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1800));
        assertThat(slow.body())
                .as("no response after a cancel, not even an error")
                .doesNotContain("\"result\"")
                .doesNotContain("\"error\"");
    }

    @Test
    void checksOrigins() {
        Http.Answer evil = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
                Map.of("Origin", "http://evil.example.com"));
        assertThat(evil.status()).isEqualTo(403);
        Http.Answer local = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
                Map.of("Origin", "http://localhost:3000"));
        assertThat(local.status()).isEqualTo(200);
    }

    @Test
    void listsSessionsWithTheStreamsReplicasHold() {
        String sessions = "http://127.0.0.1:" + gateway.adminPort() + "/admin/sessions";
        String session = initialize("tools", "2025-11-25");
        try (SseClient standalone = SseClient.open(mcp("tools"), Map.of("Mcp-Session-Id", session))) {
            assertThat(standalone.status()).isEqualTo(200);
            JsonNode listed = Http.get(sessions).json();
            assertThat(listed.get("count").asInt()).isEqualTo(1);
            JsonNode entry = listed.get("sessions").get(0);
            assertThat(entry.get("id").asText()).isEqualTo(session);
            assertThat(entry.get("function").asText()).isEqualTo("tools");
            assertThat(entry.get("protocol_version").asText()).isEqualTo("2025-11-25");
            assertThat(entry.get("streams")).singleElement().satisfies(stream -> {
                assertThat(stream.get("kind").asText()).isEqualTo("standalone");
                assertThat(stream.get("replica").asText())
                        .isEqualTo(listed.get("replica").asText());
            });
        }
        assertThat(Http.send("DELETE", mcp("tools"), null, Map.of("Mcp-Session-Id", session))
                        .status())
                .isEqualTo(204);
        assertThat(Http.get(sessions).json().get("sessions")).isEmpty();
        for (String limit : List.of("0", "", "1001", "ten")) {
            Http.Answer bad = Http.get(sessions + "?limit=" + limit);
            assertThat(bad.status()).as(limit).isEqualTo(400);
            assertThat(bad.json().get("code").asText()).isEqualTo("INVALID_REQUEST");
        }
    }

    @Test
    void endsSessionsWithDelete() {
        String session = initialize("tools", "2025-11-25");
        assertThat(Http.send(
                                "DELETE",
                                mcp("tools"),
                                null,
                                Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "1999-01-01"))
                        .status())
                .as("a version without sessions, as for GET and POST: the session goes on")
                .isEqualTo(400);
        assertThat(Http.send("DELETE", mcp("tools"), null, Map.of("Mcp-Session-Id", session))
                        .status())
                .isEqualTo(204);
        assertThat(post("tools", call(1, "echo"), Map.of("Mcp-Session-Id", session))
                        .status())
                .isEqualTo(404);
        Http.Answer noSession = Http.send("DELETE", mcp("tools"), null, Map.of());
        assertThat(noSession.status()).isEqualTo(405);
        assertThat(noSession.headers().firstValue("Allow")).hasValue("GET, POST, DELETE");
        // a GET without a session is held on the event loop's path: the same answer
        Http.Answer getWithout = Http.send("GET", mcp("tools"), null, Map.of("Accept", "text/event-stream"));
        assertThat(getWithout.status()).isEqualTo(405);
        assertThat(getWithout.headers().firstValue("Allow")).hasValue("GET, POST, DELETE");
    }

    @Test
    void aResponseTheRelayLeavesUnchangedReachesTheClientAsTheFunctionWroteIt() {
        String session = initialize("tools", "2025-11-25");
        Http.Answer formatted = post("tools", call(11, "formatted"), Map.of("Mcp-Session-Id", session));
        assertThat(formatted.status()).isEqualTo(200);
        assertThat(formatted.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(formatted.body())
                .as("the function's own text, not the message written anew")
                .isEqualTo(McpFunctionStub.formatted(json("11")));

        // a second JSON value after the message does not reach the client: the message alone, written anew
        Http.Answer trailing = post("tools", call(12, "trailing"), Map.of("Mcp-Session-Id", session));
        assertThat(trailing.status()).isEqualTo(200);
        assertThat(trailing.body()).doesNotContain("extra");
        assertThat(json(trailing.body()).path("id").asInt()).isEqualTo(12);
        assertThat(json(trailing.body())
                        .path("result")
                        .path("content")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("caf\u00e9");

        // on a stream the message is one event's data, on one line
        Http.Answer streamed =
                post("tools", call(13, "formatted"), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"));
        List<SseClient.Event> events = SseClient.parse(streamed.body());
        assertThat(json(events.getLast().data()).path("result").path("n").decimalValue())
                .isEqualByComparingTo("10");
    }

    @Test
    void aResponseToAnotherRequestIsNotRelayedToTheClient() {
        String session = initialize("tools", "2025-11-25");
        Http.Answer streamed = post(
                "tools", call(21, "stray-response"), Map.of("Mcp-Session-Id", session, "Accept", "text/event-stream"));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body())
                .as("another request's answer would settle the client's request of that id")
                .doesNotContain("not yours");
        List<SseClient.Event> events = SseClient.parse(streamed.body());
        JsonNode response = json(events.getLast().data());
        assertThat(response.path("id").asInt()).isEqualTo(21);
        assertThat(response.path("result").path("content").get(0).path("text").asText())
                .isEqualTo("yours");

        Http.Answer none = post("tools", call(22, "only-stray-response"), Map.of("Mcp-Session-Id", session));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body()).doesNotContain("not yours");
        assertThat(none.json().path("id").asInt()).isEqualTo(22);
        assertThat(none.json().path("error").path("code").asInt()).isEqualTo(-32603);
    }

    @Test
    void aStatefulFunctionThatLostTheSessionForGoodEndsTheClientsSession() {
        String jsonClient = initialize("stateful", "2025-06-18");
        String sseClient = initialize("stateful", "2025-11-25");
        String fastSseClient = initialize("stateful", "2025-11-25");
        statefulFunction.refuseSessions(); // 404 for its sessions, and it will not initialize again
        Http.Answer lost =
                post("stateful", call(5, "echo"), Map.of("Mcp-Session-Id", jsonClient, "Accept", "application/json"));
        assertThat(lost.status()).as("404: the client initializes again").isEqualTo(404);
        assertThat(lost.json().path("id").asInt()).isEqualTo(5);
        assertThat(statefulFunction.received().stream()
                        .filter(r -> r.message() != null
                                && "initialize"
                                        .equals(r.message().path("method").asText())))
                .as("three sessions, then one transparent re-initialization was tried")
                .hasSize(4);
        assertThat(post("stateful", call(6, "echo"), Map.of("Mcp-Session-Id", jsonClient))
                        .status())
                .isEqualTo(404);

        // a call that finds the loss at once has sent nothing to an SSE client either: 404 as well
        Http.Answer lostAtOnce = post("stateful", call(9, "echo"), Map.of("Mcp-Session-Id", fastSseClient));
        assertThat(lostAtOnce.status()).isEqualTo(404);
        assertThat(lostAtOnce.json().path("id").asInt()).isEqualTo(9);

        // a primed stream has its status already: the error answers the request by its id, and the session ends
        statefulFunction.refuseAfter(Duration.ofMillis(300)); // longer than a stream opening is held back
        Http.Answer primed = post("stateful", call(7, "echo"), Map.of("Mcp-Session-Id", sseClient));
        assertThat(primed.status()).isEqualTo(200);
        assertThat(primed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(response(primed).path("id").asInt()).isEqualTo(7);
        assertThat(response(primed).path("error").path("message").asText()).contains("initialize again");
        assertThat(post("stateful", call(8, "echo"), Map.of("Mcp-Session-Id", sseClient))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void keepsAStatefulFunctionsSession() {
        String session = initialize("stateful", "2025-11-25");
        post("stateful", call(2, "echo"), Map.of("Mcp-Session-Id", session));
        assertThat(statefulFunction.last("tools/call").headers().getFirst("Mcp-Session-Id"))
                .isEqualTo("backend-session-1");
        assertThat(session).isNotEqualTo("backend-session-1");
        post(
                "stateful",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                Map.of("Mcp-Session-Id", session));
        assertThat(statefulFunction.last("notifications/initialized").headers().getFirst("Mcp-Session-Id"))
                .isEqualTo("backend-session-1");
        Http.send("DELETE", mcp("stateful"), null, Map.of("Mcp-Session-Id", session));
        assertThat(statefulFunction.received())
                .anyMatch(r -> r.httpMethod().equals("DELETE")
                        && "backend-session-1".equals(r.headers().getFirst("Mcp-Session-Id")));
    }

    @Test
    void routesAnswersToAStatefulFunctionsOwnRequests() {
        Http.Answer init = post(
                "stateful",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{}},\"clientInfo\":{"
                        + "\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        try (SseClient stream = SseClient.post(
                mcp("stateful"), call(50, "ask-on-stream"), Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            SseClient.Event event = stream.next(Duration.ofSeconds(5));
            if (event.data().isEmpty()) {
                event = stream.next(Duration.ofSeconds(5));
            }
            JsonNode request = json(event.data());
            assertThat(request.get("id").asText()).isEqualTo("srv-1");
            assertThat(post(
                                    "stateful",
                                    "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{\"action\":\"accept\","
                                            + "\"content\":{\"name\":\"Lin\"}}}",
                                    Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(202);
            JsonNode result = json(stream.next(Duration.ofSeconds(5)).data());
            assertThat(result.get("result").get("content").get(0).get("text").asText())
                    .isEqualTo("Hi Lin");
        }
        McpFunctionStub.Received answer = statefulFunction.received().stream()
                .filter(r -> r.message() != null
                        && "srv-1".equals(r.message().path("id").asText())
                        && r.message().has("result"))
                .findFirst()
                .orElseThrow();
        assertThat(answer.headers().getFirst("Mcp-Session-Id")).isEqualTo("backend-session-1");
    }

    @Test
    void holdsAStandaloneStreamWithKeepAlives() {
        String session = initialize("tools", "2025-11-25");
        try (SseClient stream = SseClient.open(mcp("tools"), Map.of("Mcp-Session-Id", session))) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event priming = stream.next(Duration.ofSeconds(5));
            assertThat(priming.data()).isEmpty();
            assertThat(priming.id()).isEqualTo("0-0");
        }
        assertThat(Http.send("GET", mcp("tools"), null, Map.of("Accept", "text/event-stream"))
                        .status())
                .isEqualTo(405);
    }

    @Test
    void aClientThatTakesOnlySseGetsItsInitializeAnswerAsOneEvent() {
        Http.Answer init = Http.send(
                "POST",
                mcp("tools"),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"sse\",\"version\":\"1\"}}}",
                Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        assertThat(init.headers().firstValue("Content-Type")).contains("text/event-stream; charset=utf-8");
        assertThat(init.body()).startsWith("data: {").contains("\"protocolVersion\":\"2025-11-25\"");
    }

    @Test
    void anHttpPlusSseStreamBeyondMaxConnectionsIsRefusedNamingTheLimit() {
        gateway.close();
        startGateway(Map.of("MAX_CONNECTIONS", "1"));
        registerToolsAgain();
        try (SseClient held = SseClient.open("http://127.0.0.1:" + gateway.port() + "/sse/first")) {
            assertThat(held.next(Duration.ofSeconds(5)).type()).isEqualTo("connected");
            Http.Answer refused = Http.getBounded(mcp("tools") + "/sse", 64 * 1024, Duration.ofSeconds(5));
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body())
                    .contains("this replica holds its maximum of 1 connections (MAX_CONNECTIONS); retry on another "
                            + "replica");
        }
    }

    @Test
    void aSessionsStandaloneOrResumedStreamBeyondMaxConnectionsIsRefusedAsTheReplicasLimitNotTheSessions() {
        gateway.close();
        startGateway(Map.of("MAX_CONNECTIONS", "1"));
        registerToolsAgain();
        String session = initialize("tools", "2025-11-25");
        List<SseClient.Event> streamed =
                SseClient.parse(post("tools", call(4, "progress"), Map.of("Mcp-Session-Id", session))
                        .body());
        Map<String, String> standalone = Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session);
        Map<String, String> resume = new HashMap<>(standalone);
        resume.put("Last-Event-ID", streamed.get(1).id());
        try (SseClient held = SseClient.open("http://127.0.0.1:" + gateway.port() + "/sse/first")) {
            assertThat(held.next(Duration.ofSeconds(5)).type()).isEqualTo("connected");
            for (Map<String, String> headers : List.of(standalone, resume)) {
                Http.Answer refused =
                        Http.sendBounded("GET", mcp("tools"), null, headers, 64 * 1024, Duration.ofSeconds(5));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.body()).contains("(MAX_CONNECTIONS); retry on another replica");
            }
        }
        // the session itself was never at a limit: its stream opens once the replica has room
        try (SseClient stream = SseClient.open(mcp("tools"), Map.of("Mcp-Session-Id", session))) {
            assertThat(stream.status()).isEqualTo(200);
        }
    }

    @Test
    void servesTheHttpPlusSseTransport() {
        String messages;
        try (SseClient stream = SseClient.open(mcp("tools") + "/sse")) {
            assertThat(stream.status()).isEqualTo(200);
            SseClient.Event endpoint = stream.next(Duration.ofSeconds(5));
            assertThat(endpoint.type()).isEqualTo("endpoint");
            assertThat(endpoint.data()).startsWith("/mcp/tools/messages?sessionId=");
            messages = "http://127.0.0.1:" + gateway.port() + endpoint.data();

            for (String noSession : List.of("/messages", "/messages?sessionId=")) {
                Http.Answer refused =
                        Http.postJson(mcp("tools") + noSession, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
                assertThat(refused.status()).as(noSession).isEqualTo(400);
                assertThat(refused.body()).contains("sessionId query parameter is required");
            }
            // initialization comes first: a request before it is refused on the stream (a ping is answered)
            assertThat(Http.postJson(messages, call(9, "progress")).status()).isEqualTo(202);
            JsonNode early = json(stream.next(Duration.ofSeconds(5)).data());
            assertThat(early.get("id").asInt()).isEqualTo(9);
            assertThat(early.at("/error/code").asInt()).isEqualTo(-32600);
            assertThat(early.at("/error/message").asText()).contains("not initialized");
            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}")
                            .status())
                    .isEqualTo(202);
            assertThat(json(stream.next(Duration.ofSeconds(5)).data()).has("result"))
                    .isTrue();

            Http.Answer init = Http.postJson(
                    messages,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                            + "\"params\":{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}");
            assertThat(init.status()).isEqualTo(202);
            SseClient.Event initResult = stream.next(Duration.ofSeconds(5));
            assertThat(initResult.type()).isEqualTo("message");
            assertThat(json(initResult.data())
                            .get("result")
                            .get("protocolVersion")
                            .asText())
                    .isEqualTo("2024-11-05");

            assertThat(Http.postJson(messages, call(2, "progress")).status()).isEqualTo(202);
            List<SseClient.Event> relayed = List.of(
                    stream.next(Duration.ofSeconds(5)),
                    stream.next(Duration.ofSeconds(5)),
                    stream.next(Duration.ofSeconds(5)));
            assertThat(json(relayed.get(0).data()).get("method").asText()).isEqualTo("notifications/progress");
            assertThat(json(relayed.get(2).data()).get("id").asInt()).isEqualTo(2);
            assertThat(json(relayed.get(2).data())
                            .get("result")
                            .get("content")
                            .get(0)
                            .get("text")
                            .asText())
                    .isEqualTo("done");

            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}")
                            .status())
                    .isEqualTo(202);
            assertThat(json(stream.next(Duration.ofSeconds(5)).data()).get("id").asInt())
                    .isEqualTo(3);
        }
        // the session ends with its stream
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}")
                                .status()
                        == 404);
    }

    @Test
    void httpPlusSseForwardsANotificationBeforeItsAcceptanceSoAStatefulFunctionKeepsTheClientsOrder() {
        try (SseClient stream = SseClient.open(mcp("stateful") + "/sse")) {
            String messages = "http://127.0.0.1:" + gateway.port()
                    + stream.next(Duration.ofSeconds(5)).data();
            assertThat(Http.postJson(
                                    messages,
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                                            + "\"params\":{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                                            + "\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}")
                            .status())
                    .isEqualTo(202);
            assertThat(json(stream.next(Duration.ofSeconds(5)).data())
                            .path("id")
                            .asInt())
                    .isEqualTo(1);

            // a server slow to take the notification in: the client's next message must still come after it
            statefulFunction.takeNotificationsAfter(Duration.ofMillis(400));
            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                            .status())
                    .isEqualTo(202);
            assertThat(statefulFunction
                            .last("notifications/initialized")
                            .headers()
                            .getFirst("Mcp-Session-Id"))
                    .as("the function took the notification in before the client was told it was accepted")
                    .isEqualTo("backend-session-1");
            assertThat(Http.postJson(messages, call(2, "echo")).status()).isEqualTo(202);
            assertThat(json(stream.next(Duration.ofSeconds(5)).data())
                            .path("id")
                            .asInt())
                    .isEqualTo(2);
            List<String> order = statefulFunction.received().stream()
                    .map(r -> r.message() == null
                            ? ""
                            : r.message().path("method").asText())
                    .filter(m -> !m.isEmpty())
                    .toList();
            assertThat(order).containsSubsequence("initialize", "notifications/initialized", "tools/call");
        }
    }

    @Test
    void frontsAFunctionThatSpeaksOnly2026() {
        try (McpFunctionStub modern = McpFunctionStub.start(McpFunctionStub.Mode.MODERN)) {
            register("modern", modern.url(), "2s");
            Http.Answer init = post(
                    "modern",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"sampling\":{}},\"clientInfo\":{"
                            + "\"name\":\"old-client\",\"version\":\"1\"}}}",
                    Map.of());
            assertThat(init.status()).as(init.body()).isEqualTo(200);
            JsonNode result = init.json().get("result");
            assertThat(result.get("protocolVersion").asText()).isEqualTo("2025-06-18");
            assertThat(result.get("serverInfo").get("name").asText()).isEqualTo("modern-stub");
            assertThat(result.get("capabilities").has("tools")).isTrue();
            assertThat(result.get("capabilities").has("logging")).isTrue();
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

            Http.Answer called = post(
                    "modern",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"echo\",\"arguments\":{}}}",
                    Map.of("Mcp-Session-Id", session));
            assertThat(called.json()
                            .get("result")
                            .get("content")
                            .get(0)
                            .get("text")
                            .asText())
                    .isEqualTo("modern: echo");
            assertThat(called.json().get("result").has("resultType")).isFalse();
            McpFunctionStub.Received forwarded = modern.last("tools/call");
            assertThat(forwarded.headers().getFirst("MCP-Protocol-Version")).isEqualTo("2026-07-28");
            assertThat(forwarded.headers().getFirst("Mcp-Method")).isEqualTo("tools/call");
            assertThat(forwarded.headers().getFirst("Mcp-Name")).isEqualTo("echo");
            JsonNode meta = forwarded.message().get("params").get("_meta");
            assertThat(meta.get("io.modelcontextprotocol/clientInfo")
                            .get("name")
                            .asText())
                    .isEqualTo("old-client");
            assertThat(meta.get("io.modelcontextprotocol/clientCapabilities").has("sampling"))
                    .isTrue();
            Http.Answer subscribe = post(
                    "modern",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/subscribe\","
                            + "\"params\":{\"uri\":\"test://x\"}}",
                    Map.of("Mcp-Session-Id", session));
            assertThat(subscribe.json().get("result").isObject()).isTrue();
        }
    }

    @Test
    void anOpenStreamKeepsItsSessionAlive() throws Exception {
        gateway.close();
        startGateway(Map.of("SESSION_TTL", "2s"));
        registerToolsAgain();
        try (SseClient stream = SseClient.open(mcp("tools") + "/sse")) {
            String messages = "http://127.0.0.1:" + gateway.port()
                    + stream.next(Duration.ofSeconds(5)).data();
            Thread.sleep(3500);
            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                            .status())
                    .as("idle for longer than SESSION_TTL, but its stream is open")
                    .isEqualTo(202);
        }
        String idle = initialize("tools", "2025-11-25");
        Thread.sleep(2500);
        assertThat(post("tools", call(2, "echo"), Map.of("Mcp-Session-Id", idle))
                        .status())
                .as("a session without requests or streams expires")
                .isEqualTo(404);

        // gone from the store without its end reaching this replica (a missed signal, a Redis that lost it): the
        // stream held for it ends at the next renewal (every second here) instead of beating on
        String lost = initialize("tools", "2025-11-25");
        try (SseClient standalone = SseClient.open(mcp("tools"), Map.of("Mcp-Session-Id", lost))) {
            assertThat(standalone.status()).isEqualTo(200);
            gateway.state().mcpSessions().delete(lost);
            assertThat(standalone.awaitEnd(Duration.ofSeconds(5)))
                    .as("the stream of a session gone without a signal ends")
                    .isTrue();
        }
    }

    @Test
    void relaysStatelessRequestsOfTheNewestRevision() {
        String modern = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ask\","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        Http.Answer a = post(
                "tools",
                modern,
                Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "ask"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.headers().firstValue("Mcp-Session-Id")).isEmpty();
        assertThat(a.json().get("result").get("resultType").asText())
                .as("a 2026-07-28 client receives input_required as it is")
                .isEqualTo("input_required");
        McpFunctionStub.Received forwarded = function.last("tools/call");
        assertThat(forwarded.headers().getFirst("MCP-Protocol-Version")).isEqualTo("2026-07-28");
        assertThat(forwarded.headers().getFirst("Mcp-Name")).isEqualTo("ask");

        // a 2026-07-28 function's validation errors keep their HTTP status (they are part of the protocol)
        try (McpFunctionStub strict = McpFunctionStub.start(McpFunctionStub.Mode.MODERN)) {
            register("strict", strict.url(), "2s");
            Http.Answer invalid = post(
                    "strict",
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\"," + "\"params\":{\"name\":\"x\"}}",
                    Map.of("MCP-Protocol-Version", "2026-07-28"));
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.json().get("error").get("code").asInt()).isEqualTo(-32602);
            assertThat(invalid.json().get("id").asInt()).isEqualTo(5);
        }
    }

    @Test
    void aFunctionOnAnOlderRevisionIsSpokenToInTheRevisionItChose() {
        // a server on an older SDK answers initialize with the newest revision it knows and refuses any request
        // that names a newer one: the client's revision would leave every call of the session refused
        for (McpFunctionStub older : List.of(function, statefulFunction)) {
            older.speakUpTo("2025-06-18");
        }
        for (String name : List.of("tools", "stateful")) {
            String session = initialize(name, "2025-11-25");
            Http.Answer echo = post(
                    name, call(3, "echo"), Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
            assertThat(echo.status()).as(name).isEqualTo(200);
            assertThat(response(echo)
                            .path("result")
                            .path("content")
                            .path(0)
                            .path("text")
                            .asText())
                    .as(name + ": " + echo.body())
                    .isEqualTo("echo: {\"x\":1}");
            McpFunctionStub stub = name.equals("tools") ? function : statefulFunction;
            assertThat(stub.last("tools/call").headers().getFirst("MCP-Protocol-Version"))
                    .as(name)
                    .isEqualTo("2025-06-18");
        }
    }

    @Test
    void aFunctionsRefusalWithoutAContentTypeReachesTheClientWithItsError() {
        // the TypeScript SDK's server 1.13 refuses a revision it does not know with a JSON-RPC error whose id is
        // null, and no Content-Type; a stateless request keeps the function's status
        function.speakUpTo("2025-06-18");
        Http.Answer refused = post(
                "tools",
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                        + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "echo"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("id").asInt()).isEqualTo(9);
        assertThat(refused.json().path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(refused.json().path("error").path("message").asText()).contains("Unsupported protocol version");
    }
}
