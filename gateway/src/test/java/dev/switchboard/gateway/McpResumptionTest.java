package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.CuttingProxy;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact resumption of MCP POST streams over real sockets: a TCP proxy cuts the client's connection at
 * several points of a streamed call, and a GET with {@code Last-Event-ID} on the same replica or on
 * another one gets the rest of that stream, live until the response; every event arrives exactly once, in
 * order. Also: quiet calls are primed so they can be resumed, and a cancelled request gets no response.
 * Run per state store; with Redis, two gateways share it.
 */
abstract class McpResumptionTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ACCEPT_BOTH = "application/json, text/event-stream";
    static final Duration WAIT = Duration.ofSeconds(10);

    McpFunctionStub function;
    Gateway a;
    /** Another replica on the same store (the same one on the memory store). */
    Gateway b;

    CuttingProxy proxy;

    abstract Map<String, String> storeConfig();

    abstract void resetStore();

    /** @return whether two gateways share the store */
    abstract boolean fleet();

    @BeforeEach
    void start() {
        resetStore();
        function = McpFunctionStub.start(false);
        a = gateway("replica-a");
        b = fleet() ? gateway("replica-b") : a;
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + a.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"5s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        // B learns the registration from the store's change announcement
        await().atMost(WAIT)
                .until(() -> post(b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", Map.of())
                                .status()
                        != 404);
        proxy = CuttingProxy.start(a.port());
    }

    private Gateway gateway(String replica) {
        return gateway(replica, Map.of());
    }

    private Gateway gateway(String replica, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(storeConfig());
        values.putAll(extra);
        // a heartbeat longer than the quiet call: only priming can make that call resumable
        values.putAll(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "1s", "REPLICA_ID", replica));
        return Gateway.start(GatewayConfig.from(values));
    }

    @AfterEach
    void stop() {
        proxy.close();
        if (b != a) {
            b.close();
        }
        a.close();
        function.close();
    }

    static String mcp(Gateway g) {
        return "http://127.0.0.1:" + g.port() + "/mcp/tools";
    }

    static Http.Answer post(Gateway g, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        all.putAll(headers);
        return Http.send("POST", mcp(g), body, all);
    }

    String initialize(Gateway g) {
        Http.Answer init = post(
                g,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                        + "\"version\":\"1\"}}}",
                Map.of());
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t\"}}}";
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    /** POSTs a call through the proxy, which cuts the connection after {@code events} events. */
    List<SseClient.Event> postCutAfter(int events, String session, String body) {
        proxy.cutNextAfterEvents(events);
        try (SseClient cut = SseClient.post(
                "http://127.0.0.1:" + proxy.port() + "/mcp/tools",
                body,
                Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            assertThat(cut.status()).isEqualTo(200);
            assertThat(cut.awaitEnd(WAIT)).as("the proxy cut the connection").isTrue();
            return cut.pending();
        }
    }

    /** Resumes a stream with GET and Last-Event-ID; returns what it sent until it ended (which it must). */
    static List<SseClient.Event> resume(Gateway g, String session, String lastEventId) {
        try (SseClient resumed =
                SseClient.open(mcp(g), Map.of("Mcp-Session-Id", session, "Last-Event-ID", lastEventId))) {
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.awaitEnd(WAIT))
                    .as("the resumed stream ends after its response")
                    .isTrue();
            return resumed.pending();
        }
    }

    /**
     * A resume that finds nothing more to deliver is held open, primed with the client's own position, as the
     * TypeScript SDK's server keeps one: the TypeScript SDK resumes a stream that ended without a result, and a
     * resume that ended with no event sent it into a plain GET (a second standalone stream).
     */
    static void assertHeldQuiet(Gateway g, String session, String lastEventId) {
        try (SseClient resumed =
                SseClient.open(mcp(g), Map.of("Mcp-Session-Id", session, "Last-Event-ID", lastEventId))) {
            assertThat(resumed.status()).isEqualTo(200);
            SseClient.Event priming = resumed.next(WAIT);
            assertThat(priming.id()).as("primed with its own position").isEqualTo(lastEventId);
            assertThat(priming.data()).isEmpty();
            assertThat(resumed.awaitEnd(Duration.ofMillis(1500)))
                    .as("held, not ended")
                    .isFalse();
            assertThat(resumed.pending()).allMatch(e -> e.data().isEmpty());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> cutPoints() {
        // events of the steps call: 1 priming, 2-5 progress, 6 the result
        return Stream.of(1, 3, 5).flatMap(cut -> Stream.of(Arguments.of(cut, false), Arguments.of(cut, true)));
    }

    @ParameterizedTest(name = "cut after {0} events, resumed on the other replica: {1}")
    @MethodSource("cutPoints")
    void aCutStreamIsResumedLiveWithEveryEventExactlyOnce(int cutAfter, boolean onOtherReplica) {
        String session = initialize(a);
        // the result waits until the resumed stream is open: the resume certainly precedes it
        Runnable releaseResult = function.holdNextStepsResult();
        List<SseClient.Event> before = postCutAfter(cutAfter, session, call(40, "steps"));
        assertThat(before).hasSize(cutAfter);
        assertThat(before.getFirst().data()).as("priming event").isEmpty();

        List<SseClient.Event> after;
        try (SseClient resumed = SseClient.open(
                mcp(onOtherReplica ? b : a),
                Map.of(
                        "Mcp-Session-Id",
                        session,
                        "Last-Event-ID",
                        before.getLast().id()))) {
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.awaitEnd(Duration.ofMillis(1000)))
                    .as("the stream stays open for its result")
                    .isFalse();
            releaseResult.run();
            assertThat(resumed.awaitEnd(WAIT)).as("and ends after it").isTrue();
            after = resumed.pending();
        }
        List<SseClient.Event> all = new ArrayList<>(before);
        all.addAll(after);

        assertThat(all).extracting(SseClient.Event::id).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(all).hasSize(6);
        assertThat(all.getFirst().data()).isEmpty();
        for (int i = 1; i <= 4; i++) {
            JsonNode progress = json(all.get(i).data());
            assertThat(progress.get("method").asText()).isEqualTo("notifications/progress");
            assertThat(progress.get("params").get("progress").asInt())
                    .as("in order")
                    .isEqualTo(i);
        }
        JsonNode response = json(all.get(5).data());
        assertThat(response.get("id").asInt()).isEqualTo(40);
        assertThat(response.get("result").get("content").get(0).get("text").asText())
                .isEqualTo("steps done");
        // the same stream resumed again from its priming event gives the same events: one ordered log
        assertThat(resume(b, session, all.getFirst().id()))
                .extracting(SseClient.Event::id)
                .containsExactlyElementsOf(
                        all.subList(1, 6).stream().map(SseClient.Event::id).toList());
        // resumed after its response: a finished stream, held quiet
        assertHeldQuiet(a, session, all.getLast().id());
    }

    /**
     * The transports spec sends each message on one stream: a client that resumes a POST stream while the
     * connection it came on is still open (a half-open connection, as the client sees it) gets the rest on the
     * resume alone, and a second resume of it takes over from the first. Each resume lands on the other replica
     * where there are two, so that what ends each older stream is the fleet's signal.
     */
    @ParameterizedTest(name = "first resume on the other replica: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aResumeOfAStreamStillOpenTakesItOverSoNoMessageGoesOutTwice(boolean onOtherReplica) {
        String session = initialize(a);
        Runnable releaseResult = function.holdNextStepsResult();
        Gateway firstOn = onOtherReplica ? b : a;
        Gateway secondOn = firstOn == a ? b : a;
        try (SseClient original = SseClient.post(
                        mcp(a), call(41, "steps"), Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session));
                SseClient first = resumeOpen(firstOn, session, original)) {
            // the call's result is held until released (or for 5 s): what ends a stream before that is its resume
            assertThat(original.awaitEnd(TAKE_OVER))
                    .as("the connection the client gave up on ends")
                    .isTrue();
            try (SseClient second =
                    SseClient.open(mcp(secondOn), Map.of("Mcp-Session-Id", session, "Last-Event-ID", resumedFrom))) {
                assertThat(second.status()).isEqualTo(200);
                assertThat(first.awaitEnd(TAKE_OVER))
                        .as("the older resume ends")
                        .isTrue();
                releaseResult.run();
                assertThat(second.awaitEnd(WAIT))
                        .as("the newest ends after the response")
                        .isTrue();

                List<SseClient.Event> onOriginal = original.pending();
                List<SseClient.Event> onFirst = first.pending();
                List<SseClient.Event> onSecond = second.pending();
                assertThat(responses(onOriginal)).as("none on the original").isZero();
                assertThat(responses(onFirst)).as("none on the first resume").isZero();
                assertThat(responses(onSecond)).as("one on the newest").isEqualTo(1);
                assertThat(onSecond.getLast().data()).contains("steps done");
                assertThat(onSecond)
                        .extracting(SseClient.Event::id)
                        .doesNotContainNull()
                        .doesNotHaveDuplicates();
            }
        }
    }

    /** How soon a resume ends the stream it takes over: well inside the 5 s the function holds its result. */
    private static final Duration TAKE_OVER = Duration.ofSeconds(2);

    /** The event id the test's resumes give: the first progress notification's. */
    private String resumedFrom;

    private SseClient resumeOpen(Gateway g, String session, SseClient original) {
        assertThat(original.status()).isEqualTo(200);
        assertThat(original.next(WAIT).data()).as("priming event").isEmpty();
        resumedFrom = original.next(WAIT).id();
        SseClient resumed = SseClient.open(mcp(g), Map.of("Mcp-Session-Id", session, "Last-Event-ID", resumedFrom));
        assertThat(resumed.status()).isEqualTo(200);
        return resumed;
    }

    private static long responses(List<SseClient.Event> events) {
        return events.stream()
                .filter(e -> !e.data().isEmpty() && json(e.data()).has("result"))
                .count();
    }

    @Test
    void aQuietCallIsPrimedAtOnceAndResumedBeforeItsResult() {
        String session = initialize(a);
        // the call answers after 800 ms, within HEARTBEAT_INTERVAL (1 s): only priming opens a stream
        List<SseClient.Event> before = postCutAfter(1, session, call(41, "quiet"));
        assertThat(before)
                .as("a priming event, while the function has not answered")
                .hasSize(1);
        assertThat(before.getFirst().data()).isEmpty();

        List<SseClient.Event> after = resume(b, session, before.getFirst().id());
        assertThat(after).hasSize(1);
        assertThat(json(after.getFirst().data())
                        .get("result")
                        .get("content")
                        .get(0)
                        .get("text")
                        .asText())
                .isEqualTo("quiet done");
        assertThat(after.getFirst().id()).isNotEqualTo(before.getFirst().id());

        // a client that takes only JSON keeps its JSON answer
        Http.Answer jsonOnly =
                post(a, call(42, "quiet"), Map.of("Mcp-Session-Id", session, "Accept", "application/json"));
        assertThat(jsonOnly.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(jsonOnly.json().get("id").asInt()).isEqualTo(42);
    }

    @Test
    void aSlowCallsOpeningIsHeldBackOnlyAMoment() {
        String session = initialize(a);
        long posted = System.nanoTime();
        // the function answers after 5 s (the registration's timeout): the priming event comes long before
        try (SseClient call =
                SseClient.post(mcp(a), call(44, "slow"), Map.of("Accept", ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            assertThat(call.status()).isEqualTo(200);
            SseClient.Event priming = call.next(WAIT);
            Duration primedAfter = Duration.ofNanos(System.nanoTime() - posted);
            assertThat(priming.data()).as("priming event").isEmpty();
            assertThat(primedAfter).as("held 20-40 ms, not until the answer").isLessThan(Duration.ofSeconds(2));
            assertThat(json(call.next(WAIT).data()).get("id").asInt()).isEqualTo(44);
        }
    }

    @Test
    void aCancelledRequestGetsNoResponseAndItsStreamEnds() throws Exception {
        String session = initialize(a);
        try (SseClient stream = SseClient.post(
                mcp(a),
                call(43, "steps"),
                Map.of(
                        "Accept", ACCEPT_BOTH,
                        "Mcp-Session-Id", session))) {
            SseClient.Event priming = stream.next(WAIT);
            assertThat(priming.data()).isEmpty();
            assertThat(stream.next(WAIT).data()).contains("notifications/progress");
            // the cancellation may reach another replica than the call
            assertThat(post(
                                    b,
                                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
                                            + "\"requestId\":43,\"reason\":\"test\"}}",
                                    Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(202);
            assertThat(stream.awaitEnd(WAIT))
                    .as("the stream ends without the response")
                    .isTrue();
            assertThat(stream.pending()).noneMatch(e -> e.data().contains("\"id\""));
            // a resume of that stream ends too, with no response
            List<SseClient.Event> resumed = resume(b, session, priming.id());
            assertThat(resumed)
                    .noneMatch(e -> e.data().contains("\"result\"") || e.data().contains("\"error\""));
            // and one from the last event the client saw (as the TypeScript SDK resumes) has nothing to send: held
            assertHeldQuiet(b, session, resumed.getLast().id());
        }

        // a quiet call: an SSE client's primed stream ends empty; a JSON-only client gets 202 and no body
        Thread cancelQuiet = Thread.ofVirtual().start(() -> {
            await().atMost(WAIT)
                    .until(() -> function.received().stream()
                            .anyMatch(r -> r.message() != null
                                    && r.message().path("id").asInt() == 44));
            post(
                    b,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":44}}",
                    Map.of("Mcp-Session-Id", session));
        });
        Http.Answer sse = post(a, call(44, "quiet"), Map.of("Mcp-Session-Id", session));
        cancelQuiet.join();
        assertThat(sse.status()).isEqualTo(200);
        assertThat(SseClient.parse(sse.body())).allMatch(e -> e.data().isEmpty());

        Thread cancelJson = Thread.ofVirtual().start(() -> {
            await().atMost(WAIT)
                    .until(() -> function.received().stream()
                            .anyMatch(r -> r.message() != null
                                    && r.message().path("id").asInt() == 45));
            post(
                    b,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":45}}",
                    Map.of("Mcp-Session-Id", session));
        });
        Http.Answer json = post(a, call(45, "quiet"), Map.of("Mcp-Session-Id", session, "Accept", "application/json"));
        cancelJson.join();
        assertThat(json.status()).isEqualTo(202);
        assertThat(json.body()).isEmpty();
    }

    @Test
    void aServerToClientRequestIsResumedAndItsAnswerReachesTheCallFromAnyReplica() {
        Http.Answer init = post(
                a,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{}},\"clientInfo\":{"
                        + "\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        // cut right after the priming event: the elicitation request is never seen on the POST's stream
        List<SseClient.Event> before = postCutAfter(1, session, call(49, "ask"));
        try (SseClient resumed = SseClient.open(
                mcp(b),
                Map.of(
                        "Mcp-Session-Id",
                        session,
                        "Last-Event-ID",
                        before.getFirst().id()))) {
            JsonNode request = json(resumed.next(WAIT).data());
            assertThat(request.get("method").asText()).isEqualTo("elicitation/create");
            assertThat(post(
                                    b,
                                    "{\"jsonrpc\":\"2.0\",\"id\":\""
                                            + request.get("id").asText() + "\",\"result\":{"
                                            + "\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}",
                                    Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(202);
            JsonNode response = json(resumed.next(WAIT).data());
            assertThat(response.get("id").asInt()).isEqualTo(49);
            assertThat(response.get("result").get("content").get(0).get("text").asText())
                    .isEqualTo("Hello, Ada (state opaque-1)");
            assertThat(resumed.awaitEnd(WAIT)).isTrue();
        }
    }

    @Test
    void aResumedStreamAndItsCallEndWithTheSession() {
        String session = initialize(a);
        // the slow tool answers after 5 s; the client is cut off after the priming event
        List<SseClient.Event> before = postCutAfter(1, session, call(48, "slow"));
        try (SseClient resumed = SseClient.open(
                mcp(b),
                Map.of(
                        "Mcp-Session-Id",
                        session,
                        "Last-Event-ID",
                        before.getFirst().id()))) {
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.awaitEnd(Duration.ofMillis(500)))
                    .as("following the running call live")
                    .isFalse();
            long start = System.nanoTime();
            assertThat(Http.send("DELETE", mcp(a), null, Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(204);
            assertThat(resumed.awaitEnd(WAIT)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("ended by the DELETE, not by the call")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(resumed.pending()).noneMatch(e -> e.data().contains("\"result\""));
        }
    }

    @Test
    void anUnknownOrExpiredStreamIsHeldQuietUntilItsSessionEnds() {
        String session = initialize(a);
        // a log id of a stream with no log, and a priming event older than any call may stay quiet
        for (String id : List.of("nosuch/1796000000000-0", "nosuch/0-1000")) {
            assertHeldQuiet(b, session, id);
        }
        try (SseClient resumed =
                SseClient.open(mcp(b), Map.of("Mcp-Session-Id", session, "Last-Event-ID", "nosuch/0-1000"))) {
            assertThat(resumed.next(WAIT).data()).isEmpty();
            assertThat(Http.send("DELETE", mcp(a), null, Map.of("Mcp-Session-Id", session))
                            .status())
                    .isEqualTo(204);
            assertThat(resumed.awaitEnd(WAIT)).as("ended with its session").isTrue();
            assertThat(resumed.retry()).isEqualTo(1000L);
        }
    }

    @Test
    void anAnsweredStreamIsResumableForMcpStreamLogTtlAndThenLetGo() {
        // one log per answered call: kept 1 s here; a call may go quiet for 5 s (the registration's timeout)
        try (Gateway shortLogs = gateway("replica-d", Map.of("MCP_STREAM_LOG_TTL", "1s", "MCP_INPUT_TIMEOUT", "2s"))) {
            registerOn(shortLogs, "5s");
            String session = initialize(shortLogs);
            List<SseClient.Event> answered;
            // a client that takes only SSE: its answer is a logged stream even when the function answers at once
            try (SseClient call = SseClient.post(
                    mcp(shortLogs),
                    call(60, "echo"),
                    Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session))) {
                assertThat(call.status()).isEqualTo(200);
                assertThat(call.awaitEnd(WAIT)).isTrue();
                answered = call.pending();
            }
            assertThat(answered).hasSize(2);
            String priming = answered.getFirst().id();
            assertThat(resume(shortLogs, session, priming))
                    .as("within the TTL: the answer again, for a client that lost it")
                    .extracting(SseClient.Event::id)
                    .containsExactly(answered.getLast().id());

            sleep(Duration.ofMillis(2500));
            try (SseClient late =
                    SseClient.open(mcp(shortLogs), Map.of("Mcp-Session-Id", session, "Last-Event-ID", priming))) {
                long asked = System.nanoTime();
                assertThat(late.status()).isEqualTo(200);
                // the log is gone, and looks like a quiet call's: followed for what is left of the 5 s since
                // the stream opened, not 5 s from now
                assertThat(late.awaitEnd(WAIT)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(4500));
                assertThat(late.pending())
                        .as("nothing is replayed from an expired log; the client's position primes its return")
                        .singleElement()
                        .satisfies(e -> assertThat(e.data()).isEmpty())
                        .satisfies(e -> assertThat(e.id()).isEqualTo(priming));
                assertThat(late.retry()).isEqualTo(1000L);
            }
        }
    }

    /** Registers the stub on a gateway of its own store (memory); on a shared store it is there already. */
    private void registerOn(Gateway g, String timeout) {
        if (Http.get("http://127.0.0.1:" + g.adminPort() + "/admin/functions/tools")
                        .status()
                == 404) {
            assertThat(Http.postJson(
                                    "http://127.0.0.1:" + g.adminPort() + "/admin/functions",
                                    "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url()
                                            + "\",\"timeout\":\"" + timeout + "\"}")
                            .status())
                    .isEqualTo(201);
        }
    }

    @Test
    void aCallWhoseClientLeftKeepsItsSessionAliveForTheResume() {
        // sessions idle for 2 s expire; the slow call lasts 5 s and its client is cut off at once
        try (Gateway shortLived = gateway("replica-c", Map.of("SESSION_TTL", "2s"))) {
            registerOn(shortLived, "8s");
            String session = initialize(shortLived);
            proxy.close();
            proxy = CuttingProxy.start(shortLived.port());
            List<SseClient.Event> before = postCutAfter(1, session, call(50, "slow"));
            // past the TTL with no request and no stream: only the running call uses the session
            sleep(Duration.ofSeconds(3));
            try (SseClient resumed = SseClient.open(
                    mcp(shortLived),
                    Map.of(
                            "Mcp-Session-Id",
                            session,
                            "Last-Event-ID",
                            before.getFirst().id()))) {
                assertThat(resumed.status()).as("the session is still there").isEqualTo(200);
                assertThat(resumed.awaitEnd(WAIT)).isTrue();
                // the answer after 5 s, or the time-out of the registration at 5 s: the response either way
                assertThat(json(resumed.pending().getLast().data()).get("id").asInt())
                        .isEqualTo(50);
            }
        }
    }

    @Test
    void refusalsAnswerTheRequestByItsIdAndNeverWithIdNull() {
        Http.Answer unknownSession = post(a, call(46, "echo"), Map.of("Mcp-Session-Id", "gone"));
        assertThat(unknownSession.status()).isEqualTo(404);
        assertThat(unknownSession.json().get("id").asInt()).isEqualTo(46);
        Http.Answer noSession = post(a, call(47, "echo"), Map.of());
        assertThat(noSession.status()).isEqualTo(400);
        assertThat(noSession.json().get("id").asInt()).isEqualTo(47);
        Http.Answer unparsable = post(a, "{not json", Map.of());
        assertThat(unparsable.status()).isEqualTo(400);
        assertThat(unparsable.json().has("id"))
                .as("no id is known: none is sent")
                .isFalse();
        Http.Answer notification = post(
                a, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Map.of("Mcp-Session-Id", "gone"));
        assertThat(notification.status()).isEqualTo(404);
        assertThat(notification.json().has("id")).isFalse();
    }
}
