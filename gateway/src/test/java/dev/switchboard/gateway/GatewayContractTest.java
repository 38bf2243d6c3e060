package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
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
 * The gateway's API over real sockets, run once per state store (memory and Redis): a real SSE client
 * reads real streams, real function servers answer.
 */
abstract class GatewayContractTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper MAPPER = new ObjectMapper();

    FunctionServer functions;
    Gateway gateway;

    /** @return configuration selecting the state store */
    abstract Map<String, String> storeConfig();

    /** Empties the state store. */
    abstract void resetStore();

    @BeforeEach
    void startGateway() {
        resetStore();
        functions = FunctionServer.start();
        gateway = startGateway(Map.of());
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    Gateway startGateway(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(storeConfig());
        values.putAll(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "300ms", "SHUTDOWN_GRACE", "2s"));
        values.putAll(extra);
        return Gateway.start(GatewayConfig.from(values));
    }

    String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    /** @return the URL of a {@code /sse} path: the public listener here, the stream listener in a subclass */
    String stream(String path) {
        return pub(path);
    }

    /**
     * @return the URL of an {@code /invoke} path: the public listener here, the stream listener in a subclass
     *         (which serves the calls too)
     */
    String invoke(String path) {
        return pub(path);
    }

    String admin(String path) {
        return "http://127.0.0.1:" + gateway.adminPort() + path;
    }

    Http.Answer register(String json) {
        return Http.postJson(admin("/admin/functions"), json);
    }

    void registerFunction(String name, String path) {
        Http.Answer answer = register("{\"name\":\"" + name + "\",\"endpoint\":\"" + functions.url(path) + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    static JsonNode json(String data) {
        try {
            return MAPPER.readTree(data);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + data, e);
        }
    }

    // ---- admin: functions ----

    @Test
    void registersListsReadsReplacesAndDeletesFunctions() {
        Http.Answer created = register("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json")
                + "\",\"method\":\"post\",\"timeout\":\"5s\",\"description\":\"d\","
                + "\"headers\":{\"Authorization\":\"Bearer secret-value\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode fn = created.json().get("function");
        assertThat(fn.get("name").asText()).isEqualTo("echo");
        assertThat(fn.get("method").asText()).isEqualTo("POST");
        assertThat(fn.get("timeout").asText()).isEqualTo("5s");
        assertThat(fn.get("is_active").asBoolean()).isTrue();
        assertThat(created.body()).doesNotContain("secret-value");
        assertThat(fn.get("headers").get("Authorization").asText()).isEqualTo("******");

        Http.Answer duplicate = register("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("code").asText()).isEqualTo("FUNCTION_EXISTS");

        Http.Answer list = Http.get(admin("/admin/functions"));
        assertThat(list.json().get("count").asInt()).isEqualTo(1);
        assertThat(list.json().get("functions").get(0).get("name").asText()).isEqualTo("echo");

        Http.Answer replaced = Http.putJson(
                admin("/admin/functions/echo"),
                "{\"endpoint\":\"" + functions.url("/text") + "\",\"timeout\":\"2s\","
                        + "\"headers\":{\"Authorization\":\"Bearer secret-value\"}}");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("function").get("timeout").asText()).isEqualTo("2s");
        assertThat(replaced.json().get("function").get("revision").asLong())
                .isGreaterThan(fn.get("revision").asLong());
        assertThat(replaced.json().get("function").get("created_at").asText())
                .isEqualTo(fn.get("created_at").asText());
        assertThat(Http.get(admin("/admin/functions/echo"))
                        .json()
                        .get("function")
                        .get("endpoint")
                        .asText())
                .isEqualTo(functions.url("/text"));

        // GET, edit, PUT: the masked header keeps its stored value
        JsonNode edited = Http.get(admin("/admin/functions/echo")).json().get("function");
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited).put("description", "edited");
        assertThat(Http.putJson(admin("/admin/functions/echo"), edited.toString())
                        .status())
                .isEqualTo(200);
        Http.postJson(invoke("/invoke/echo"), "{\"payload\":1}");
        assertThat(functions.lastHeaders("/text").getFirst("Authorization")).isEqualTo("Bearer secret-value");
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.get("headers")).put("X-New", "******");
        Http.Answer unknownMasked = Http.putJson(admin("/admin/functions/echo"), edited.toString());
        assertThat(unknownMasked.status()).isEqualTo(400);
        assertThat(unknownMasked.json().get("field").asText()).isEqualTo("headers.X-New");
        Http.Answer maskedAtCreation = Http.postJson(
                admin("/admin/functions"),
                "{\"name\":\"masked\",\"endpoint\":\"" + functions.url("/text")
                        + "\",\"headers\":{\"Authorization\":\"******\"}}");
        assertThat(maskedAtCreation.status())
                .as("the mask is no value to store")
                .isEqualTo(400);
        assertThat(maskedAtCreation.json().get("field").asText()).isEqualTo("headers.Authorization");

        assertThat(Http.delete(admin("/admin/functions/echo")).status()).isEqualTo(200);
        Http.Answer gone = Http.get(admin("/admin/functions/echo"));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("code").asText()).isEqualTo("FUNCTION_NOT_FOUND");
        assertThat(Http.delete(admin("/admin/functions/echo")).status()).isEqualTo(404);
        assertThat(Http.putJson(admin("/admin/functions/echo"), "{\"endpoint\":\"http://x.test/\"}")
                        .status())
                .isEqualTo(404);
        assertThat(Http.postJson(invoke("/invoke/echo"), "{\"payload\":1}").status())
                .isEqualTo(404);
    }

    @Test
    void refusesInvalidRegistrationsNamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"name\":\"Bad_Name\",\"endpoint\":\"http://a.test/\"}", "name",
                "{\"name\":\"ok\",\"endpoint\":\"ftp://a.test/\"}", "endpoint",
                "{\"name\":\"ok\",\"endpoint\":\"http://a.test/\",\"method\":\"BREW\"}", "method",
                "{\"name\":\"ok\",\"endpoint\":\"http://a.test/\",\"timeout\":\"99h\"}", "timeout",
                "{\"name\":\"ok\",\"endpoint\":\"http://a.test/\",\"headers\":{\"Host\":\"x\"}}", "headers.Host",
                "{\"endpoint\":\"http://a.test/\"}", "name");
        cases.forEach((body, field) -> {
            Http.Answer answer = register(body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.json().get("code").asText()).isEqualTo("INVALID_FUNCTION");
            assertThat(answer.json().get("field").asText()).as(body).isEqualTo(field);
        });
        Http.Answer renamed =
                Http.putJson(admin("/admin/functions/a"), "{\"name\":\"b\",\"endpoint\":\"http://a.test/\"}");
        assertThat(renamed.status()).isEqualTo(400);
        assertThat(Http.get(admin("/admin/functions")).json().get("count").asInt())
                .isZero();
    }

    // ---- bad input ----

    @Test
    void answersBadInputWithJsonErrors() {
        registerFunction("echo", "/json");
        Http.Answer malformed = Http.postJson(invoke("/invoke/echo"), "{\"payload\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("code").asText()).isEqualTo("INVALID_JSON");

        Http.Answer notObject = Http.postJson(invoke("/invoke/echo"), "[1,2]");
        assertThat(notObject.json().get("code").asText()).isEqualTo("INVALID_JSON");

        Http.Answer deep =
                Http.postJson(invoke("/invoke/echo"), "{\"payload\":" + "[".repeat(64) + "]".repeat(64) + "}");
        assertThat(deep.status()).as("MAX_JSON_DEPTH is 64 by default").isEqualTo(400);
        assertThat(deep.json().get("code").asText()).isEqualTo("JSON_TOO_DEEP");
        assertThat(deep.json().get("limit_depth").asInt()).isEqualTo(64);
        assertThat(Http.postJson(invoke("/invoke/echo"), "{\"payload\":" + "[".repeat(63) + "]".repeat(63) + "}")
                        .status())
                .as("63 arrays in the body object make 64 levels")
                .isEqualTo(200);
        assertThat(deep.json().get("error").asText()).contains("MAX_JSON_DEPTH");
        Http.Answer deepAdmin =
                Http.postJson(admin("/admin/functions"), "{\"name\":" + "[".repeat(300) + "]".repeat(300) + "}");
        assertThat(deepAdmin.status()).isEqualTo(400);
        assertThat(deepAdmin.json().get("code").asText()).isEqualTo("JSON_TOO_DEEP");
        assertThat(deepAdmin.json().get("limit_depth").asInt()).isEqualTo(256);
        assertThat(deepAdmin.json().get("error").asText())
                .as("the admin API's bound is not the setting")
                .doesNotContain("MAX_JSON_DEPTH");

        Http.Answer wrongType = Http.send(
                "POST",
                invoke("/invoke/echo"),
                "payload=1",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        // the media type is matched whole: a longer name, or another JSON type, is another type
        for (String other : List.of("application/jsonx", "application/json-patch+json")) {
            Http.Answer refused =
                    Http.send("POST", invoke("/invoke/echo"), "{\"payload\":1}", Map.of("Content-Type", other));
            assertThat(refused.status()).as(other).isEqualTo(415);
        }
        assertThat(Http.send(
                                "POST",
                                invoke("/invoke/echo"),
                                "{\"payload\":1}",
                                Map.of("Content-Type", "Application/JSON; charset=utf-8"))
                        .status())
                .isEqualTo(200);

        Http.Answer missingPayload = Http.postJson(invoke("/invoke/echo"), "{\"async\":false}");
        assertThat(missingPayload.status()).isEqualTo(400);
        assertThat(missingPayload.json().get("field").asText()).isEqualTo("payload");

        Http.Answer asyncWithoutClient = Http.postJson(invoke("/invoke/echo"), "{\"payload\":1,\"async\":true}");
        assertThat(asyncWithoutClient.json().get("field").asText()).isEqualTo("client_id");

        Http.Answer unknownRoute = Http.get(pub("/nowhere"));
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.json().get("code").asText()).isEqualTo("NOT_FOUND");

        Http.Answer wrongMethod = Http.get(invoke("/invoke/echo"));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        // a function is one path segment: deeper or empty paths are no route at all
        for (String path : List.of("/invoke/echo/extra", "/invoke/", "/invoke/echo/")) {
            Http.Answer noFunction = Http.postJson(invoke(path), "{\"payload\":1}");
            assertThat(noFunction.status()).as(path).isEqualTo(404);
            assertThat(noFunction.json().get("code").asText()).as(path).isEqualTo("NOT_FOUND");
        }

        // the admin listener's read-only paths name their one method too
        for (String path : List.of(
                "/admin/connections",
                "/admin/sessions",
                "/admin/topics",
                "/admin/topics/t",
                "/admin/health",
                "/admin/ui/feed",
                "/admin/ui",
                "/health/live",
                "/health/ready",
                "/metrics")) {
            Http.Answer readOnly = Http.postJson(admin(path), "{}");
            assertThat(readOnly.status()).as(path).isEqualTo(405);
            assertThat(readOnly.json().get("code").asText()).as(path).isEqualTo("METHOD_NOT_ALLOWED");
            assertThat(readOnly.headers().firstValue("Allow")).as(path).hasValue("GET");
        }

        // no credential can be checked here (no API_KEYS, no OAUTH_ISSUER): one sent is not read, and the answer
        // says so rather than that none was presented
        Http.Answer unchecked =
                Http.send("POST", pub("/publish/news"), "{\"data\":1}", Map.of("X-API-Key", "sb_anything"));
        assertThat(unchecked.status()).isEqualTo(401);
        assertThat(unchecked.json().get("code").asText()).isEqualTo("PUBLISH_UNAUTHORIZED");
        assertThat(unchecked.json().get("error").asText()).contains("checks none", "admin listener's /publish");

        Http.Answer adminOnPublic = Http.get(pub("/admin/functions"));
        assertThat(adminOnPublic.status())
                .as("admin API is not on the public listener")
                .isEqualTo(404);

        Http.Answer badClient = Http.get(stream("/sse/bad%20id"));
        assertThat(badClient.status()).isEqualTo(400);
        assertThat(badClient.json().get("code").asText()).isEqualTo("INVALID_CLIENT_ID");
        Http.Answer mcpLog = Http.get(stream("/sse/mcp:someone-elses-session:g"));
        assertThat(mcpLog.status())
                .as("MCP stream logs are not generic clients")
                .isEqualTo(400);
        assertThat(mcpLog.json().get("code").asText()).isEqualTo("INVALID_CLIENT_ID");

        Http.Answer badLastId = Http.send("GET", stream("/sse/c1"), null, Map.of("Last-Event-ID", "yesterday"));
        assertThat(badLastId.status()).isEqualTo(400);
        assertThat(badLastId.json().get("code").asText()).isEqualTo("INVALID_LAST_EVENT_ID");
    }

    @Test
    void refusesOversizedBodies() {
        gateway.close();
        gateway = startGateway(Map.of("MAX_BODY_SIZE", "1KiB"));
        registerFunction("echo", "/json");
        String big = "{\"payload\":\"" + "x".repeat(2048) + "\"}";
        Http.Answer answer = Http.postJson(invoke("/invoke/echo"), big);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(answer.json().get("limit_bytes").asLong()).isEqualTo(1024);
        Http.Answer small = Http.postJson(invoke("/invoke/echo"), "{\"payload\":\"ok\"}");
        assertThat(small.status()).isEqualTo(200);
    }

    @Test
    void aLargePayloadGoesToTheFunctionAndItsAnswerComesBackWhole() throws Exception {
        // larger than the socket buffers both ways: the request's body is written after its head, the answer's
        // body after its own head
        registerFunction("mirror", "/mirror");
        String text = "0123456789abcdef".repeat(48 * 1024 / 16) + "\u00e9";
        String payload = "{\"text\":\"" + text + "\",\"n\":[1,2.50]}";
        Http.Answer answer = Http.postJson(invoke("/invoke/mirror"), "{\"payload\":" + payload + "}");
        assertThat(answer.status()).isEqualTo(200);
        // the function answers with the body it received, which the gateway passes through: the payload, as sent
        assertThat(answer.body()).contains("\"data\":" + payload + ",");
        assertThat(answer.json().get("data").get("text").asText()).isEqualTo(text);
    }

    // ---- sync invoke ----

    @Test
    void invokesSynchronouslyAndParsesTheAnswer() {
        registerFunction("echo", "/json");
        registerFunction("text", "/text");
        Http.Answer json =
                Http.postJson(invoke("/invoke/echo"), "{\"payload\":{\"msg\":\"héllo ✓\"},\"client_id\":\"c-1\"}");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().get("success").asBoolean()).isTrue();
        assertThat(json.json().get("function_name").asText()).isEqualTo("echo");
        assertThat(json.json().get("data").get("received").get("msg").asText()).isEqualTo("héllo ✓");
        assertThat(json.json().get("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
        String requestId = json.json().get("request_id").asText();
        assertThat(functions.lastHeaders("/json").getFirst("X-Request-ID")).isEqualTo(requestId);
        assertThat(functions.lastHeaders("/json").getFirst("X-Client-ID")).isEqualTo("c-1");

        Http.Answer text = Http.postJson(invoke("/invoke/text"), "{\"payload\":null}");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.json().get("data").asText()).isEqualTo("plain answer");
    }

    @Test
    void answersCarryTheirCacheDirectivesOnOneHeaderLine() {
        registerFunction("echo", "/json");
        Http.Answer answered = Http.postJson(invoke("/invoke/echo"), "{\"payload\":1}");
        Http.Answer refused = Http.postJson(invoke("/invoke/nobody"), "{\"payload\":1}");
        assertThat(answered.status()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(404);
        // both listeners alike: one line, not one per directive
        for (Http.Answer answer : java.util.List.of(answered, refused)) {
            assertThat(answer.headers().allValues("Cache-Control"))
                    .containsExactly("no-cache, no-store, must-revalidate, no-transform");
        }
    }

    @Test
    void sendsTheRegistrationsHeadersAndMethod() {
        Http.Answer created = register("{\"name\":\"get-fn\",\"endpoint\":\"" + functions.url("/json")
                + "\",\"method\":\"GET\",\"headers\":{\"X-Api-Key\":\"k-123\"}}");
        assertThat(created.status()).isEqualTo(201);
        Http.Answer answer = Http.postJson(invoke("/invoke/get-fn"), "{\"payload\":{\"ignored\":true}}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("data").get("method").asText()).isEqualTo("GET");
        assertThat(functions.lastHeaders("/json").getFirst("X-Api-Key")).isEqualTo("k-123");
    }

    @Test
    void aFunctionsJsonAnswerIsPassedThroughByteForByte() {
        registerFunction("raw", "/raw");
        Http.Answer answer = Http.postJson(invoke("/invoke/raw"), "{\"payload\":1}");
        assertThat(answer.status()).isEqualTo(200);
        // not parsed and written again: the function's spacing, exponent, scale and escape are all there
        assertThat(answer.body()).contains("\"data\":" + FunctionServer.RAW_JSON + ",\"timestamp\":");
        assertThat(answer.json().get("success").asBoolean()).isTrue();
        assertThat(answer.json().get("data").get("a").asText()).isEqualTo("caf\u00e9");
        assertThat(answer.json().get("function_name").asText()).isEqualTo("raw");
    }

    @Test
    void reportsFunctionFailuresWithTheirCodes() {
        registerFunction("fail", "/fail");
        registerFunction("garbage", "/garbage");
        registerFunction("slow", "/slow");
        Http.Answer closed = register("{\"name\":\"closed\",\"endpoint\":\"http://127.0.0.1:"
                + dev.switchboard.testing.TestRedis.freePort() + "/\"}");
        assertThat(closed.status()).isEqualTo(201);

        Http.Answer fail = Http.postJson(invoke("/invoke/fail"), "{\"payload\":1}");
        assertThat(fail.status()).isEqualTo(502);
        assertThat(fail.json().get("success").asBoolean()).isFalse();
        assertThat(fail.json().get("code").asText()).isEqualTo("EXECUTION_ERROR");
        assertThat(fail.json().get("function_status").asInt()).isEqualTo(500);

        Http.Answer garbage = Http.postJson(invoke("/invoke/garbage"), "{\"payload\":1}");
        assertThat(garbage.status()).isEqualTo(502);
        assertThat(garbage.json().get("error").asText()).contains("invalid JSON");

        Http.Answer refused = Http.postJson(invoke("/invoke/closed"), "{\"payload\":1}");
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.json().get("error").asText()).contains("unreachable");

        long start = System.nanoTime();
        Http.Answer timeout = Http.postJson(invoke("/invoke/slow"), "{\"payload\":1,\"timeout\":\"300ms\"}");
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(timeout.json().get("code").asText()).isEqualTo("TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));

        String metrics = Http.get(admin("/metrics")).body();
        assertThat(metrics)
                .contains("switchboard_invocation_duration_seconds_count{function=\"fail\","
                        + "outcome=\"execution_error\"} 1");
        assertThat(metrics).contains("outcome=\"timeout\"");
    }

    @Test
    void retriesOnlyWhereSafe() {
        Http.Answer put = register("{\"name\":\"flaky-put\",\"endpoint\":\"" + functions.url("/flaky")
                + "\",\"method\":\"PUT\",\"retry\":{\"attempts\":2,\"backoff\":\"10ms\"}}");
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().get("function").get("retry").get("attempts").asInt())
                .isEqualTo(2);
        Http.Answer recovered = Http.postJson(invoke("/invoke/flaky-put"), "{\"payload\":1}");
        assertThat(recovered.status())
                .as("an idempotent call is retried on 503")
                .isEqualTo(200);
        assertThat(recovered.json().get("data").get("call").asInt()).isEqualTo(3);

        Http.Answer post = register("{\"name\":\"flaky-post\",\"endpoint\":\"" + functions.url("/flaky")
                + "\",\"method\":\"POST\",\"retry\":{\"attempts\":2,\"backoff\":\"10ms\"}}");
        assertThat(post.status()).isEqualTo(201);
        int before = functions.flakyCalls();
        assertThat(Http.postJson(invoke("/invoke/flaky-post"), "{\"payload\":1}")
                        .status())
                .isEqualTo(200);
        assertThat(functions.flakyCalls()).isEqualTo(before + 1);
    }

    @Test
    void retriesAFunctionThatWasNotReachableYet() throws Exception {
        int port = dev.switchboard.testing.TestRedis.freePort();
        Http.Answer created = register("{\"name\":\"late\",\"endpoint\":\"http://127.0.0.1:" + port
                + "/\",\"retry\":{\"attempts\":5,\"backoff\":\"200ms\"}}");
        assertThat(created.status()).isEqualTo(201);
        com.sun.net.httpserver.HttpServer late = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 0);
        late.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"late\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                late.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Http.Answer answer = Http.postJson(invoke("/invoke/late"), "{\"payload\":1}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().get("data").get("late").asBoolean()).isTrue();
        } finally {
            starter.join();
            late.stop(0);
        }
    }

    @Test
    void limitsConcurrentCallsPerFunction() {
        Http.Answer created =
                register("{\"name\":\"single\",\"endpoint\":\"" + functions.url("/slow") + "\",\"max_concurrency\":1}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(Http.postJson(invoke("/invoke/single"), "{\"payload\":1,\"client_id\":\"c\",\"async\":true}")
                        .status())
                .isEqualTo(202);
        Http.Answer busy = Http.postJson(invoke("/invoke/single"), "{\"payload\":2}");
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.json().get("code").asText()).isEqualTo("FUNCTION_BUSY");
        registerFunction("other", "/json");
        assertThat(Http.postJson(invoke("/invoke/other"), "{\"payload\":3}").status())
                .as("other functions are not limited")
                .isEqualTo(200);
    }

    @Test
    void refusesToInvokeAnMcpFunction() {
        Http.Answer created =
                register("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("function").get("kind").asText()).isEqualTo("mcp");
        Http.Answer refused = Http.postJson(invoke("/invoke/tools"), "{\"payload\":1}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("UNSUPPORTED_FUNCTION_KIND");
    }

    // ---- streams ----

    @Test
    void streamsConnectedHeartbeatsAndAsyncResultsToEveryConnectionOfTheClient() {
        registerFunction("echo", "/json");
        try (SseClient first = SseClient.open(
                        stream("/sse/client-a?app=web&version=2&API_Key=sk-in-the-url"), Map.of("X-User-ID", "u-7"));
                SseClient second = SseClient.open(stream("/sse/client-a"))) {
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            SseClient.Event connected = first.next(WAIT);
            assertThat(connected.type()).isEqualTo("connected");
            assertThat(connected.id()).isNotNull();
            String connectionId = json(connected.data()).get("connection_id").asText();
            assertThat(second.next(WAIT).type()).isEqualTo("connected");

            SseClient.Event heartbeat = first.next(WAIT);
            assertThat(heartbeat.type()).isEqualTo("heartbeat");
            assertThat(heartbeat.id()).isEqualTo(connected.id());
            assertThat(json(heartbeat.data()).get("connection_id").asText()).isEqualTo(connectionId);

            JsonNode connections = Http.get(admin("/admin/connections")).json();
            assertThat(connections.get("count").asInt()).isEqualTo(2);
            JsonNode mine = null;
            for (JsonNode c : connections.get("connections")) {
                if (c.get("id").asText().equals(connectionId)) {
                    mine = c;
                }
            }
            assertThat(mine).isNotNull();
            assertThat(mine.get("client_id").asText()).isEqualTo("client-a");
            assertThat(mine.get("user_id").asText()).isEqualTo("u-7");
            assertThat(mine.get("metadata").get("app").asText()).isEqualTo("web");
            assertThat(mine.get("metadata").get("version").asText()).isEqualTo("2");
            assertThat(mine.get("metadata").get("API_Key").asText())
                    .as("a credential put in the URL is not shown")
                    .isEqualTo("[redacted]");
            assertThat(mine.get("replica").asText()).isEqualTo(gateway.config().replicaId());

            Http.Answer accepted = Http.postJson(
                    invoke("/invoke/echo"), "{\"payload\":{\"n\":42},\"client_id\":\"client-a\",\"async\":true}");
            assertThat(accepted.status()).isEqualTo(202);
            String requestId = accepted.json().get("request_id").asText();
            for (SseClient client : List.of(first, second)) {
                SseClient.Event result = client.nextNonHeartbeat(WAIT);
                assertThat(result.type()).isEqualTo("function_response");
                JsonNode data = json(result.data());
                assertThat(data.get("request_id").asText()).isEqualTo(requestId);
                assertThat(data.get("success").asBoolean()).isTrue();
                assertThat(data.get("data").get("received").get("n").asInt()).isEqualTo(42);
            }
        }
        await().atMost(WAIT)
                .until(() -> Http.get(admin("/admin/connections"))
                                .json()
                                .get("count")
                                .asInt()
                        == 0);
        String metrics = Http.get(admin("/metrics")).body();
        assertThat(metrics).contains("switchboard_connections_opened_total 2.0");
        assertThat(metrics).contains("switchboard_connections_closed_total{reason=\"client_gone\"} 2.0");
    }

    @Test
    void aFailingFunctionLeavesTheStreamUp() {
        registerFunction("fail", "/fail");
        registerFunction("echo", "/json");
        try (SseClient client = SseClient.open(stream("/sse/c-fail"))) {
            client.next(WAIT);
            Http.postJson(invoke("/invoke/fail"), "{\"payload\":1,\"client_id\":\"c-fail\",\"async\":true}");
            JsonNode failed = json(client.nextNonHeartbeat(WAIT).data());
            assertThat(failed.get("success").asBoolean()).isFalse();
            assertThat(failed.get("code").asText()).isEqualTo("EXECUTION_ERROR");
            assertThat(client.next(WAIT).type()).isEqualTo("heartbeat");
            Http.postJson(invoke("/invoke/echo"), "{\"payload\":2,\"client_id\":\"c-fail\",\"async\":true}");
            assertThat(json(client.nextNonHeartbeat(WAIT).data()).get("success").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void replaysMissedEventsAfterLastEventIdInOrderWithoutDuplicates() {
        registerFunction("echo", "/json");
        String firstId;
        try (SseClient client = SseClient.open(stream("/sse/c-replay"))) {
            client.next(WAIT);
            Http.postJson(invoke("/invoke/echo"), "{\"payload\":0,\"client_id\":\"c-replay\",\"async\":true}");
            firstId = client.nextNonHeartbeat(WAIT).id();
        }
        for (int i = 1; i <= 5; i++) {
            Http.Answer a = Http.postJson(
                    invoke("/invoke/echo"), "{\"payload\":" + i + ",\"client_id\":\"c-replay\",\"async\":true}");
            assertThat(a.status()).isEqualTo(202);
        }
        // async results are appended in the background: wait until the log holds all of them
        await().atMost(WAIT).until(() -> {
            try (SseClient probe = SseClient.open(stream("/sse/c-replay"), Map.of("Last-Event-ID", firstId))) {
                return json(probe.next(WAIT).data()).get("replayed").asInt() == 5;
            }
        });
        try (SseClient resumed = SseClient.open(stream("/sse/c-replay"), Map.of("Last-Event-ID", firstId))) {
            SseClient.Event connected = resumed.next(WAIT);
            assertThat(connected.type()).isEqualTo("connected");
            assertThat(connected.id()).isEqualTo(firstId);
            List<SseClient.Event> replayed = resumed.collect("function_response", 5, WAIT);
            assertThat(replayed)
                    .extracting(e -> json(e.data()).get("data").get("received").asInt())
                    .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
            assertThat(replayed).extracting(SseClient.Event::id).doesNotHaveDuplicates();
            for (int i = 1; i < replayed.size(); i++) {
                assertThat(dev.switchboard.gateway.state.EventIds.compare(
                                replayed.get(i - 1).id(), replayed.get(i).id()))
                        .isNegative();
            }
            // live events continue after the replay
            Http.postJson(invoke("/invoke/echo"), "{\"payload\":6,\"client_id\":\"c-replay\",\"async\":true}");
            SseClient.Event live = resumed.nextNonHeartbeat(WAIT);
            assertThat(json(live.data()).get("data").get("received").asInt()).isEqualTo(6);
            assertThat(resumed.pending()).noneMatch(e -> "function_response".equals(e.type()));
        }
        // an id beyond the newest event resumes from the newest event: live events still arrive
        try (SseClient future = SseClient.open(stream("/sse/c-replay"), Map.of("Last-Event-ID", "99999999999999-0"))) {
            assertThat(json(future.next(WAIT).data()).get("replayed").asInt()).isZero();
            Http.postJson(invoke("/invoke/echo"), "{\"payload\":7,\"client_id\":\"c-replay\",\"async\":true}");
            assertThat(json(future.nextNonHeartbeat(WAIT).data())
                            .get("data")
                            .get("received")
                            .asInt())
                    .isEqualTo(7);
        }
        // a fresh connection (no Last-Event-ID) gets no replay
        try (SseClient fresh = SseClient.open(stream("/sse/c-replay"))) {
            assertThat(json(fresh.next(WAIT).data()).get("replayed").asInt()).isZero();
        }
    }

    @Test
    void limitsConnectionsPerClient() {
        gateway.close();
        gateway = startGateway(Map.of("MAX_CONNECTIONS_PER_CLIENT", "2"));
        try (SseClient a = SseClient.open(stream("/sse/greedy"));
                SseClient b = SseClient.open(stream("/sse/greedy"))) {
            a.next(WAIT);
            b.next(WAIT);
            Http.Answer third = Http.get(stream("/sse/greedy"));
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.json().get("code").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
            try (SseClient other = SseClient.open(stream("/sse/someone-else"))) {
                assertThat(other.status()).isEqualTo(200);
            }
        }
    }

    @Test
    void shutdownClosesStreamsWithAReconnectHint() {
        SseClient client = SseClient.open(stream("/sse/c-stop"));
        client.next(WAIT);
        gateway.close();
        gateway = null;
        assertThat(client.awaitEnd(WAIT)).isTrue();
        assertThat(client.retry()).isEqualTo(1000L);
        client.close();
    }

    // ---- health, metrics, auth ----

    @Test
    void reportsHealthAndMetrics() {
        Http.Answer health = Http.get(admin("/admin/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(health.json().get("state_store").get("status").asText()).isEqualTo("up");
        assertThat(Http.get(admin("/health/live")).status()).isEqualTo(200);
        assertThat(Http.get(admin("/health/ready")).json().get("status").asText())
                .isEqualTo("UP");
        String metrics = Http.get(admin("/metrics")).body();
        assertThat(metrics)
                .contains(
                        "switchboard_connections_open",
                        "switchboard_heartbeats_sent_total",
                        "switchboard_events_sent_total",
                        "switchboard_redis_errors_total",
                        "jvm_memory_used_bytes");
    }

    @Test
    void refusesFunctionsAtNonPublicAddressesUnlessAllowed() {
        gateway.close();
        gateway = startGateway(Map.of("FUNCTION_ALLOWED_NETWORKS", ""));
        for (String endpoint : List.of(
                functions.url("/json"),
                "http://169.254.169.254/latest/meta-data/",
                "http://[::1]:9/",
                "http://10.0.0.7/",
                "http://localhost:9/")) {
            Http.Answer refused = register("{\"name\":\"inside\",\"endpoint\":\"" + endpoint + "\"}");
            assertThat(refused.status()).as(endpoint).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).isEqualTo("INVALID_FUNCTION");
            assertThat(refused.json().get("field").asText()).isEqualTo("endpoint");
            assertThat(refused.json().get("error").asText()).contains("FUNCTION_ALLOWED_NETWORKS");
        }
        // a registration that reached the store another way (the operator writes to Redis directly) is
        // refused where the connection is made, after DNS
        gateway.state()
                .functions()
                .upsert(dev.switchboard.registry.RegistrationValidator.validate(
                        MAPPER.createObjectNode().put("name", "sneaky").put("endpoint", functions.url("/json")),
                        java.time.Instant.now()));
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            Http.Answer call = Http.postJson(invoke("/invoke/sneaky"), "{\"payload\":1}");
            assertThat(call.status()).isEqualTo(502);
            assertThat(call.json().get("error").asText())
                    .startsWith("function call refused:")
                    .contains("127.0.0.1");
        });
        assertThat(functions.lastHeaders("/json"))
                .as("nothing reached the function")
                .isNull();
    }

    @Test
    void aBrowsersPreflightIsAnsweredForAllowedOrigins() {
        Map<String, String> preflight = Map.of(
                "Origin",
                "https://app.example",
                "Access-Control-Request-Method",
                "GET",
                "Access-Control-Request-Headers",
                "authorization, last-event-id");
        Http.Answer any = Http.send("OPTIONS", stream("/sse/cors-pre"), null, preflight);
        assertThat(any.status()).isEqualTo(204);
        assertThat(any.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(any.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET");
        assertThat(any.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("Authorization")
                .contains("Last-Event-ID");
        gateway.close();
        gateway = startGateway(Map.of("SSE_CORS_ORIGINS", "https://app.example"));
        assertThat(Http.send("OPTIONS", stream("/sse/cors-pre"), null, preflight)
                        .headers()
                        .firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.example");
        Map<String, String> evil = new HashMap<>(preflight);
        evil.put("Origin", "https://evil.example");
        Http.Answer refused = Http.send("OPTIONS", stream("/sse/cors-pre"), null, evil);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin"))
                .as("the browser blocks it")
                .isEmpty();
        assertThat(gateway.hub().count()).as("a preflight opens nothing").isZero();
    }

    @Test
    void streamsAnswerCorsOnlyForTheConfiguredOrigins() {
        try (SseClient any = SseClient.open(stream("/sse/cors-default"), Map.of("Origin", "https://app.example"))) {
            assertThat(any.headers().firstValue("Access-Control-Allow-Origin"))
                    .as("default: any page")
                    .hasValue("*");
        }
        gateway.close();
        gateway = startGateway(Map.of("SSE_CORS_ORIGINS", "https://app.example, https://admin.example"));
        try (SseClient allowed = SseClient.open(stream("/sse/cors-a"), Map.of("Origin", "https://APP.example"))) {
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://APP.example");
            assertThat(allowed.headers().firstValue("Vary")).hasValue("Origin");
        }
        try (SseClient other = SseClient.open(stream("/sse/cors-b"), Map.of("Origin", "https://evil.example"))) {
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
        // a refusal reaches an allowed page readable, as /invoke's and /mcp's do
        Http.Answer refusal = Http.send("GET", stream("/sse/bad%20id"), null, Map.of("Origin", "https://app.example"));
        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        assertThat(Http.send("GET", stream("/sse/bad%20id"), null, Map.of("Origin", "https://evil.example"))
                        .headers()
                        .firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
        gateway.close();
        gateway = startGateway(Map.of("SSE_CORS_ORIGINS", "none"));
        try (SseClient none = SseClient.open(stream("/sse/cors-c"), Map.of("Origin", "https://app.example"))) {
            assertThat(none.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void anAsyncResultLargerThanAnEventIsReportedNotSent() {
        gateway.close();
        gateway = startGateway(Map.of("MAX_EVENT_SIZE", "8KiB"));
        registerFunction("big", "/big"); // answers 64 KiB of text
        assertThat(Http.postJson(invoke("/invoke/big"), "{\"payload\":1}").status())
                .as("sync: no event involved")
                .isEqualTo(200);
        try (SseClient stream = SseClient.open(stream("/sse/small-events"))) {
            stream.next(WAIT);
            assertThat(Http.postJson(
                                    invoke("/invoke/big"),
                                    "{\"payload\":1,\"client_id\":\"small-events\"," + "\"async\":true}")
                            .status())
                    .isEqualTo(202);
            SseClient.Event event = stream.nextNonHeartbeat(WAIT);
            assertThat(event.data().length()).isLessThan(1024);
            assertThat(json(event.data()).get("success").asBoolean()).isFalse();
            assertThat(json(event.data()).get("code").asText()).isEqualTo("EXECUTION_ERROR");
            assertThat(json(event.data()).get("error").asText()).contains("MAX_EVENT_SIZE", "8192 bytes");
        }
    }

    @Test
    void limitsRequestsPerClientAddress() {
        gateway.close();
        // one request every 10 s after a burst of 2: a loaded machine's pauses between the requests below do not
        // refill the bucket before the third
        gateway = startGateway(Map.of("RATE_LIMIT_PER_IP", "0.1", "RATE_LIMIT_BURST", "2"));
        registerFunction("echo", "/json");
        assertThat(bounded("POST", invoke("/invoke/echo"), "{\"payload\":1}").status())
                .isEqualTo(200);
        assertThat(bounded("GET", stream("/sse/bad%20id"), null).status())
                .as("a refused request still counts")
                .isEqualTo(400);
        Http.Answer limited = bounded("POST", invoke("/invoke/echo"), "{\"payload\":2}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 10));
        // bounded: were the stream admitted, it would never end, and the test must fail rather than hang
        assertThat(bounded("GET", stream("/sse/limited"), null).status())
                .as("streams count too")
                .isEqualTo(429);
        assertThat(Http.get(admin("/admin/functions")).status())
                .as("the admin listener is not limited")
                .isEqualTo(200);
        assertThat(Http.get(admin("/metrics")).body())
                .contains("switchboard_requests_rate_limited_total{by=\"address\"} 2.0");
    }

    @Test
    void aTrustedProxysXForwardedForLinesAreOneListSoALineTheClientWroteFirstNamesNobody() {
        gateway.close();
        gateway = startGateway(
                Map.of("TRUSTED_PROXIES", "127.0.0.1/32", "RATE_LIMIT_PER_IP", "0.1", "RATE_LIMIT_BURST", "2"));
        registerFunction("echo", "/json");
        int port = java.net.URI.create(invoke("/")).getPort();
        List<String> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // a new first line each time (the client's own), then the proxy's line naming the one client it saw
            try (dev.switchboard.gateway.support.RawConnection c =
                    dev.switchboard.gateway.support.RawConnection.open("127.0.0.1", port)) {
                String head = c.send("POST /invoke/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                + "X-Forwarded-For: 198.51.100." + i + "\r\nX-Forwarded-For: 203.0.113.5\r\n"
                                + "Content-Length: 13\r\nConnection: close\r\n\r\n{\"payload\":1}")
                        .readUntil("\r\n", WAIT);
                statuses.add(head.split(" ")[1]);
            }
        }
        assertThat(statuses).as("one client, whatever it wrote first").containsExactly("200", "200", "429");
    }

    /** A call on the limited listener, its whole answer read within 64 KiB and {@link #WAIT}. */
    private static Http.Answer bounded(String method, String url, String json) {
        return Http.sendBounded(
                method,
                url,
                json,
                json == null ? Map.of() : Map.of("Content-Type", "application/json"),
                64 * 1024,
                WAIT);
    }

    @Test
    void requiresTheAdminTokenWhenConfigured() throws Exception {
        gateway.close();
        String first = "first-admin-token-0001";
        String second = "second-admin-token-0002";
        java.nio.file.Path file = java.nio.file.Files.createTempFile("admin-tokens", ".txt");
        java.nio.file.Files.writeString(file, "# mounted from a Secret\nthird-admin-token-0003\n");
        gateway = startGateway(Map.of("ADMIN_TOKEN", first + "," + second, "ADMIN_TOKEN_FILE", file.toString()));
        Http.Answer anonymous = Http.get(admin("/admin/functions"));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(Http.send("GET", admin("/admin/functions"), null, Map.of("Authorization", "Bearer wrong"))
                        .status())
                .isEqualTo(401);
        for (String token : List.of(first, second, "third-admin-token-0003")) {
            assertThat(Http.send("GET", admin("/admin/functions"), null, Map.of("Authorization", "Bearer " + token))
                            .status())
                    .as("every configured token opens the API (rotation)")
                    .isEqualTo(200);
        }
        for (String path : List.of("/admin", "/admin/functions/echo", "/admin/connections", "/admin/health")) {
            assertThat(Http.get(admin(path)).status()).as(path).isEqualTo(401);
        }
        assertThat(Http.send("GET", admin("/admin/connections"), null, Map.of("Authorization", "bearer " + first))
                        .status())
                .isEqualTo(200);

        // the file is re-read when it changes: a rotated Secret takes effect without a restart
        java.nio.file.Files.writeString(file, "fourth-admin-token-0004\n");
        java.nio.file.Files.setLastModifiedTime(
                file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> Http.send(
                                        "GET",
                                        admin("/admin/functions"),
                                        null,
                                        Map.of("Authorization", "Bearer fourth-admin-token-0004"))
                                .status()
                        == 200);
        assertThat(Http.send(
                                "GET",
                                admin("/admin/functions"),
                                null,
                                Map.of("Authorization", "Bearer third-admin-token-0003"))
                        .status())
                .isEqualTo(401);
        assertThat(Http.get(admin("/health/ready")).status())
                .as("probes need no token")
                .isEqualTo(200);
        assertThat(Http.get(admin("/metrics")).status())
                .as("metrics need no token")
                .isEqualTo(200);
    }

    @Test
    void marksFunctionsFailingTheirHealthCheckInactive() {
        Http.Answer created = register("{\"name\":\"checked\",\"endpoint\":\"" + functions.url("/json")
                + "\",\"headers\":{\"X-Api-Key\":\"probe-key\"},"
                + "\"health_check\":{\"path\":\"/health\",\"interval\":\"1s\"}}");
        assertThat(created.status()).isEqualTo(201);
        await().atMost(WAIT)
                .until(() -> "healthy"
                        .equals(Http.get(admin("/admin/functions/checked"))
                                .json()
                                .get("function")
                                .get("health_status")
                                .asText()));
        assertThat(functions.lastHeaders("/health").getFirst("X-Api-Key"))
                .as("probes carry the function's headers")
                .isEqualTo("probe-key");
        functions.healthy(false);
        await().atMost(WAIT)
                .until(() -> !Http.get(admin("/admin/functions/checked"))
                        .json()
                        .get("function")
                        .get("is_active")
                        .asBoolean());
        Http.Answer refused = Http.postJson(invoke("/invoke/checked"), "{\"payload\":1}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("code").asText()).isEqualTo("FUNCTION_UNAVAILABLE");
        functions.healthy(true);
        await().atMost(WAIT)
                .until(() -> Http.postJson(invoke("/invoke/checked"), "{\"payload\":1}")
                                .status()
                        == 200);
    }
}
