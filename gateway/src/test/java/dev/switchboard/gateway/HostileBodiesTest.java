package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.TestGateways;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bodies that once broke the parsers, over real sockets: long durations (a stack overflow and a 500),
 * long numbers (reported as nesting), huge exponents (turned into the string "Infinity") and repeated
 * keys (last one won). Each is now refused with its own documented code, or passed through unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBodiesTest {
    private static final String LONG_DURATION = "1m".repeat(3000);
    private static final String LONG_NUMBER = "1".repeat(2000);
    private FunctionServer functions;
    private McpFunctionStub mcpFunction;
    private Gateway gateway;

    @BeforeAll
    void start() {
        functions = FunctionServer.start();
        mcpFunction = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback()));
        assertThat(register("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(register("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcpFunction.url() + "\"}")
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    void stop() {
        gateway.close();
        functions.close();
        mcpFunction.close();
    }

    private Http.Answer register(String json) {
        return Http.postJson("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions", json);
    }

    private Http.Answer invoke(String json) {
        return Http.postJson("http://127.0.0.1:" + gateway.port() + "/invoke/echo", json);
    }

    private Http.Answer mcp(String json, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "Content-Type", "application/json",
                "Accept", "application/json, text/event-stream"));
        all.putAll(headers);
        return Http.send("POST", "http://127.0.0.1:" + gateway.port() + "/mcp/tools", json, all);
    }

    private static void assertRefused(Http.Answer answer, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("code").asText()).as(answer.body()).isEqualTo(code);
        assertThat(answer.body()).hasSizeLessThan(1000).doesNotContain("at dev.", "at java.");
    }

    // ---- durations ----

    @Test
    void aLongDurationIsAnInvalidFieldNotAStackOverflow() {
        Http.Answer invoked = invoke("{\"payload\":1,\"timeout\":\"" + LONG_DURATION + "\"}");
        assertRefused(invoked, "INVALID_REQUEST");
        assertThat(invoked.json().get("field").asText()).isEqualTo("timeout");
        assertThat(invoked.json().get("error").asText()).contains("at most 64");

        String endpoint = functions.url("/json");
        for (String[] field : new String[][] {
            {"timeout", "{\"name\":\"d\",\"endpoint\":\"" + endpoint + "\",\"timeout\":\"" + LONG_DURATION + "\"}"},
            {
                "health_check.interval",
                "{\"name\":\"d\",\"endpoint\":\"" + endpoint
                        + "\",\"health_check\":{\"path\":\"/health\",\"interval\":\"" + LONG_DURATION + "\"}}"
            },
            {
                "retry.backoff",
                "{\"name\":\"d\",\"endpoint\":\"" + endpoint + "\",\"retry\":{\"attempts\":2,\"backoff\":\""
                        + LONG_DURATION + "\"}}"
            }
        }) {
            Http.Answer registered = register(field[1]);
            assertRefused(registered, "INVALID_FUNCTION");
            assertThat(registered.json().get("field").asText()).isEqualTo(field[0]);
        }
    }

    // ---- numbers ----

    @Test
    void aLongNumberIsReportedAsSuchNotAsNesting() {
        Http.Answer invoked = invoke("{\"payload\":" + LONG_NUMBER + "}");
        assertRefused(invoked, "JSON_NUMBER_TOO_LONG");
        assertThat(invoked.json().get("limit_chars").asInt()).isEqualTo(1000);
        assertRefused(invoke("{\"payload\":0." + LONG_NUMBER + "}"), "JSON_NUMBER_TOO_LONG");
        assertRefused(
                register("{\"name\":\"n\",\"endpoint\":\"" + functions.url("/json") + "\",\"max_concurrency\":"
                        + LONG_NUMBER + "}"),
                "JSON_NUMBER_TOO_LONG");
        assertThat(invoke("{\"payload\":" + "1".repeat(1000) + "}").status())
                .as("1000 digits pass")
                .isEqualTo(200);
    }

    @Test
    void numbersReachTheFunctionUnchanged() throws Exception {
        Http.Answer invoked = invoke("{\"payload\":{\"huge\":1e999999999,\"tiny\":-1e-999999999,"
                + "\"precise\":0.1000000000000000000000001,\"scaled\":1.50,\"ten\":10.0,"
                + "\"big\":123456789012345678901234567890}}");
        assertThat(invoked.status()).as(invoked.body()).isEqualTo(200);
        String received = functions.lastJsonBody();
        assertThat(received)
                .doesNotContain("Infinity")
                .contains("0.1000000000000000000000001", "1.50", "10.0", "123456789012345678901234567890");
        JsonNode exact = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(received);
        assertThat(exact.get("huge").isNumber()).as("a number, not a string").isTrue();
        assertThat(exact.get("huge").decimalValue()).isEqualByComparingTo(new BigDecimal("1e999999999"));
        assertThat(exact.get("tiny").decimalValue()).isEqualByComparingTo(new BigDecimal("-1e-999999999"));
        assertThat(invoked.body())
                .as("and the function's answer comes back unchanged too")
                .doesNotContain("Infinity")
                .contains("1.50", "0.1000000000000000000000001");
    }

    @Test
    void thePayloadReachesTheFunctionAsTheCallerWroteIt() {
        String payload = "{ \"text\": \"h\\u00e9 \\\"quoted\\\"\", \"list\" : [1, 2.50, null] }";
        Http.Answer invoked = invoke("{\"client_id\":\"c1\", \"payload\" : " + payload + " }");
        assertThat(invoked.status()).as(invoked.body()).isEqualTo(200);
        assertThat(functions.lastJsonBody()).isEqualTo(payload);
    }

    // ---- keys ----

    @Test
    void aRepeatedKeyIsRefusedWhereverItIs() {
        Http.Answer top = invoke("{\"payload\":1,\"payload\":2}");
        assertRefused(top, "JSON_DUPLICATE_KEY");
        assertThat(top.json().get("key").asText()).isEqualTo("payload");
        assertRefused(invoke("{\"payload\":{\"a\":{\"b\":1,\"b\":2}}}"), "JSON_DUPLICATE_KEY");
        Http.Answer registration = register("{\"name\":\"dup\",\"endpoint\":\"" + functions.url("/json")
                + "\",\"endpoint\":\"http://169.254.169.254/\"}");
        assertRefused(registration, "JSON_DUPLICATE_KEY");
        assertThat(registration.json().get("key").asText()).isEqualTo("endpoint");
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions/dup")
                        .status())
                .isEqualTo(404);
        assertThat(invoke("{\"payload\":[{\"a\":1},{\"a\":2}]}").status())
                .as("same key, two objects")
                .isEqualTo(200);
    }

    @Test
    void aBodyIsOneJsonValueAndWhatFollowsItIsRefused() {
        assertRefused(invoke("{\"payload\":1} xx"), "INVALID_JSON");
        assertRefused(invoke("{\"payload\":1}{\"payload\":2}"), "INVALID_JSON");
        assertRefused(
                register("{\"name\":\"after\",\"endpoint\":\"" + functions.url("/json") + "\"} {}"), "INVALID_JSON");
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions/after")
                        .status())
                .isEqualTo(404);
        assertThat(invoke("{\"payload\":1} \n").status())
                .as("whitespace after it")
                .isEqualTo(200);
    }

    @Test
    void aLongKeyIsReportedAsSuch() {
        assertRefused(invoke("{\"payload\":{\"" + "k".repeat(60_000) + "\":1}}"), "JSON_STRING_TOO_LONG");
    }

    // ---- JSON-RPC envelopes ----

    @Test
    void jsonRpcEnvelopesAreParseErrorsNamingTheLimit() {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        Http.Answer init = mcp(initialize, Map.of());
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        Map<String, String> session = Map.of(
                "Mcp-Session-Id", init.headers().firstValue("Mcp-Session-Id").orElseThrow());

        Http.Answer duplicate =
                mcp("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"method\":\"tools/call\"}", session);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().get("error").get("code").asInt()).isEqualTo(-32700);
        assertThat(duplicate.json().get("error").get("message").asText()).contains("'method' twice");

        Http.Answer longNumber =
                mcp("{\"jsonrpc\":\"2.0\",\"id\":" + LONG_NUMBER + ",\"method\":\"tools/list\"}", session);
        assertThat(longNumber.status()).isEqualTo(400);
        assertThat(longNumber.json().get("error").get("code").asInt()).isEqualTo(-32700);
        assertThat(longNumber.json().get("error").get("message").asText())
                .contains("number longer than 1000")
                .doesNotContain("MAX_JSON_DEPTH");
    }

    @Test
    void anMcpBodyThatIsNotUtf8IsAParseErrorNotAGuess() throws Exception {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        Http.Answer init = mcp(initialize, Map.of());
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        body.write(0xff); // never a byte of UTF-8 (RFC 8259: JSON text exchanged is UTF-8)
        body.writeBytes("\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/mcp/tools"))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .header(
                                        "Mcp-Session-Id",
                                        init.headers()
                                                .firstValue("Mcp-Session-Id")
                                                .orElseThrow())
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(dev.switchboard.gateway.http.Json.MAPPER
                        .readTree(answer.body())
                        .path("error")
                        .path("code")
                        .asInt())
                .isEqualTo(-32700);
    }
}
