package dev.switchboard.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.TestGateways;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Malformed and hostile bodies sent over HTTP to a running gateway: whatever arrives, the answer is a
 * documented client or function error (never 500), in JSON (or an SSE stream for MCP), without a stack
 * trace.
 */
class RequestFuzzProperties {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static FunctionServer functions;
    private static McpFunctionStub mcp;
    private static Gateway gateway;

    @BeforeContainer
    static void start() {
        functions = FunctionServer.start();
        mcp = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("MAX_BODY_SIZE", "64KiB")));
        admin("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        admin("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\",\"timeout\":\"2s\"}");
    }

    @AfterContainer
    static void stop() {
        gateway.close();
        mcp.close();
        functions.close();
    }

    private static void admin(String json) {
        assertThat(Http.postJson("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions", json)
                        .status())
                .isEqualTo(201);
    }

    /** JSON-RPC-shaped values with wrong types, deep nesting, huge numbers; and plain garbage. */
    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.of(
                        "null",
                        "true",
                        "false",
                        "0",
                        "-1",
                        "1e999",
                        "123456789012345678901234567890",
                        "\"\"",
                        "\"2.0\"",
                        "\"tools/call\"",
                        "\"initialize\"",
                        "{}",
                        "[]",
                        "\"\\u0000\"",
                        // issue 15: a duration that overflowed the regex, a number taken for nesting
                        "\"" + "1m".repeat(3000) + "\"",
                        "9".repeat(2000),
                        "1e999999999"),
                Arbitraries.strings().ofMaxLength(12).map(s -> {
                    try {
                        return MAPPER.writeValueAsString(s);
                    } catch (Exception e) {
                        return "\"\"";
                    }
                }));
        Arbitrary<String> key = Arbitraries.of(
                "jsonrpc",
                "id",
                "method",
                "params",
                "result",
                "error",
                "name",
                "arguments",
                "payload",
                "client_id",
                "async",
                "timeout",
                "_meta",
                "endpoint",
                "kind",
                "headers",
                "protocolVersion",
                "x");
        Arbitrary<String> object = Arbitraries.maps(key, scalar).ofMaxSize(6).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                    .append('"')
                    .append(k)
                    .append("\":")
                    .append(v));
            return sb.append('}').toString();
        });
        // the same key twice (issue 15): refused, never the last value silently
        Arbitrary<String> repeatedKey = Arbitraries.of(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}",
                "{\"payload\":1,\"payload\":2}",
                "{\"name\":\"a\",\"name\":\"b\",\"endpoint\":\"http://x/\"}");
        return Arbitraries.oneOf(
                object,
                repeatedKey,
                object.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.of(
                        "", "{", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", "\u0000\u0001", "{\"a\":1}{\"b\":2}"));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(
                "/invoke/echo", "/mcp/tools", "/mcp/tools/messages?sessionId=nope", "/invoke/missing", "/mcp/missing");
    }

    @Property(tries = 300)
    void noBodyEverYieldsA500OrAStackTrace(@ForAll("paths") String path, @ForAll("bodies") String body) {
        Http.Answer answer = Http.send(
                "POST",
                "http://127.0.0.1:" + gateway.port() + path,
                body,
                Map.of(
                        "Content-Type",
                        "application/json",
                        "Accept",
                        "application/json, text/event-stream",
                        "MCP-Protocol-Version",
                        "2025-11-25"));

        assertThat(answer.status()).as(body).isNotEqualTo(500).isBetween(200, 504);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at dev.switchboard");
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (!answer.body().isEmpty()) {
            assertThat(type).as(body).containsAnyOf("application/json", "text/event-stream");
        }
    }

    @Property(tries = 150)
    void noRegistrationEverYieldsA500(@ForAll("bodies") String body) {
        Http.Answer answer = Http.send(
                "POST",
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                body,
                Map.of("Content-Type", "application/json"));
        assertThat(answer.status()).as(body).isIn(201, 400, 409, 413);
        assertThat(answer.body()).doesNotContain("Exception");
        if (answer.status() == 201) {
            String name = answer.json().get("function").get("name").asText();
            Http.send("DELETE", "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions/" + name, null, Map.of());
        }
    }
}
