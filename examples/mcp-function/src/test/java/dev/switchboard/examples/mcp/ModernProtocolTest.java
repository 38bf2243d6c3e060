package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests that carry the 2026-07-28 per-request {@code _meta}: served statelessly, with that revision's rules. */
class ModernProtocolTest extends FunctionTestSupport {

    private static final ObjectNode ALL_CAPABILITIES =
            McpTestClient.json("{\"sampling\":{},\"elicitation\":{},\"roots\":{}}");
    private static final ObjectNode NO_CAPABILITIES = McpTestClient.json("{}");

    @Test
    void discoverDescribesTheServer() {
        JsonNode result =
                client.modern("server/discover", null, NO_CAPABILITIES).result();
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("supportedVersions")).isEqualTo(McpTestClient.MAPPER.valueToTree(List.of("2026-07-28")));
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.path("capabilities").has("prompts")).isTrue();
        assertThat(result.path("capabilities").has("resources")).isTrue();
        assertThat(result.path("_meta")
                        .path("io.modelcontextprotocol/serverInfo")
                        .path("name")
                        .asText())
                .isEqualTo("switchboard-mcp-example");
        assertThat(result.path("ttlMs").isIntegralNumber()).isTrue();
        assertThat(result.path("cacheScope").asText()).isIn("public", "private");
    }

    @Test
    void resultsCarryResultTypeServerInfoAndCachingHints() {
        for (String method : List.of("tools/list", "prompts/list", "resources/list", "resources/templates/list")) {
            JsonNode result = client.modern(method, null, NO_CAPABILITIES).result();
            assertThat(result.path("resultType").asText()).as(method).isEqualTo("complete");
            assertThat(result.path("ttlMs").asLong(-1)).as(method).isGreaterThanOrEqualTo(0);
            assertThat(result.path("cacheScope").asText()).as(method).isEqualTo("public");
            assertThat(result.path("_meta").has("io.modelcontextprotocol/serverInfo"))
                    .as(method)
                    .isTrue();
        }
        JsonNode read = client.modern("resources/read", params("{\"uri\":\"test://static-text\"}"), NO_CAPABILITIES)
                .result();
        assertThat(read.path("ttlMs").isIntegralNumber()).isTrue();
        assertThat(read.path("cacheScope").asText()).isEqualTo("public");

        JsonNode call = client.modern("tools/call", callParams("test_simple_text", "{}"), NO_CAPABILITIES)
                .result();
        assertThat(call.path("resultType").asText()).isEqualTo("complete");
        assertThat(call.has("ttlMs")).isFalse();
    }

    @Test
    void removedAndUnknownMethodsAre404() {
        for (String method : List.of(
                "initialize",
                "ping",
                "logging/setLevel",
                "resources/subscribe",
                "resources/unsubscribe",
                "subscriptions/listen",
                "no/such")) {
            McpTestClient.Response response = client.modern(method, null, NO_CAPABILITIES);
            assertThat(response.status()).as(method).isEqualTo(404);
            assertThat(response.error().path("code").asInt()).as(method).isEqualTo(-32601);
        }
    }

    @Test
    void perRequestMetadataIsValidated() {
        ObjectNode noCapabilities = params("{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}");
        McpTestClient.Response missing = client.request(
                "tools/list",
                noCapabilities,
                Map.of(
                        "MCP-Protocol-Version", "2026-07-28",
                        "Mcp-Method", "tools/list"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error().path("code").asInt()).isEqualTo(-32602);

        McpTestClient.Response headerOnly =
                client.request("tools/list", null, Map.of("MCP-Protocol-Version", "2026-07-28"));
        assertThat(headerOnly.status()).isEqualTo(400);
        assertThat(headerOnly.error().path("code").asInt()).isEqualTo(-32602);

        ObjectNode oldVersion = params("""
                {"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01",
                          "io.modelcontextprotocol/clientCapabilities":{}}}""");
        McpTestClient.Response unsupported = client.request(
                "tools/list", oldVersion, Map.of("MCP-Protocol-Version", "2099-01-01", "Mcp-Method", "tools/list"));
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.error().path("code").asInt()).isEqualTo(-32022);
        assertThat(unsupported.error().path("data").path("requested").asText()).isEqualTo("2099-01-01");
        assertThat(unsupported.error().path("data").path("supported").path(0).asText())
                .isEqualTo("2026-07-28");
    }

    @Test
    void headersMustAgreeWithTheBody() {
        ObjectNode params = params("""
                {"name":"test_simple_text","arguments":{},
                 "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                          "io.modelcontextprotocol/clientCapabilities":{}}}""");
        McpTestClient.Response wrongName = client.request(
                "tools/call",
                params,
                Map.of(
                        "MCP-Protocol-Version",
                        "2026-07-28",
                        "Mcp-Method",
                        "tools/call",
                        "Mcp-Name",
                        "test_error_handling"));
        assertThat(wrongName.status()).isEqualTo(400);
        assertThat(wrongName.error().path("code").asInt()).isEqualTo(-32020);

        McpTestClient.Response wrongMethod = client.request(
                "tools/call", params, Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list"));
        assertThat(wrongMethod.error().path("code").asInt()).isEqualTo(-32020);

        McpTestClient.Response wrongVersion =
                client.request("tools/call", params, Map.of("MCP-Protocol-Version", "2025-11-25"));
        assertThat(wrongVersion.error().path("code").asInt()).isEqualTo(-32020);

        McpTestClient.Response noVersionHeader = client.request(
                "tools/call", params, Map.of("Mcp-Method", "tools/call", "Mcp-Name", "test_simple_text"));
        assertThat(noVersionHeader.status()).isEqualTo(400);
        assertThat(noVersionHeader.error().path("code").asInt()).isEqualTo(-32020);

        McpTestClient.Response noNameHeader = client.request(
                "tools/call", params, Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call"));
        assertThat(noNameHeader.status()).isEqualTo(400);
        assertThat(noNameHeader.error().path("code").asInt()).isEqualTo(-32020);

        McpTestClient.Response noMethodHeader =
                client.request("tools/list", params("""
                {"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                          "io.modelcontextprotocol/clientCapabilities":{}}}"""), Map.of("MCP-Protocol-Version", "2026-07-28"));
        assertThat(noMethodHeader.error().path("code").asInt()).isEqualTo(-32020);

        String encoded = "=?base64?"
                + Base64.getEncoder().encodeToString("test_simple_text".getBytes(StandardCharsets.UTF_8)) + "?=";
        McpTestClient.Response base64 = client.request(
                "tools/call",
                params,
                Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", encoded));
        assertThat(text(base64.result())).isEqualTo("This is a simple text response for testing.");
    }

    @Test
    void undeclaredCapabilitiesAreRefusedWith32021() {
        McpTestClient.Response missing =
                client.modern("tools/call", callParams("test_missing_capability", "{}"), NO_CAPABILITIES);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error().path("code").asInt()).isEqualTo(-32021);
        assertThat(missing.error().path("data").path("requiredCapabilities"))
                .isEqualTo(McpTestClient.json("{\"sampling\":{}}"));
        assertThat(text(client.modern("tools/call", callParams("test_missing_capability", "{}"), ALL_CAPABILITIES)
                        .result()))
                .isEqualTo("Success");

        McpTestClient.Response elicitation = client.modern(
                "tools/call",
                callParams("test_input_required_result_elicitation", "{}"),
                McpTestClient.json("{\"sampling\":{}}"));
        assertThat(elicitation.status()).isEqualTo(400);
        assertThat(elicitation.error().path("data").path("requiredCapabilities"))
                .isEqualTo(McpTestClient.json("{\"elicitation\":{}}"));
    }

    @Test
    void capabilitiesToolAsksOnlyForWhatIsDeclared() {
        JsonNode samplingOnly = client.modern(
                        "tools/call",
                        callParams("test_input_required_result_capabilities", "{}"),
                        McpTestClient.json("{\"sampling\":{}}"))
                .result();
        assertThat(samplingOnly.path("resultType").asText()).isEqualTo("input_required");
        assertThat(samplingOnly.path("inputRequests").findValuesAsText("method"))
                .containsExactly("sampling/createMessage");

        JsonNode nothing = client.modern(
                        "tools/call", callParams("test_input_required_result_capabilities", "{}"), NO_CAPABILITIES)
                .result();
        assertThat(text(nothing)).isEqualTo("No supported capabilities declared");
    }

    @Test
    void inputRequiredRoundTripOnTheModernWire() {
        ObjectNode call = callParams("test_input_required_result_elicitation", "{}");
        JsonNode first = client.modern("tools/call", call, ALL_CAPABILITIES).result();
        assertThat(first.path("resultType").asText()).isEqualTo("input_required");
        assertThat(first.path("inputRequests")
                        .path("user_name")
                        .path("params")
                        .path("message")
                        .asText())
                .isEqualTo("What is your name?");

        ObjectNode retry = call.deepCopy();
        retry.set(
                "inputResponses",
                McpTestClient.json("{\"user_name\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}}"));
        retry.put("requestState", first.path("requestState").asText());
        JsonNode done = client.modern("tools/call", retry, ALL_CAPABILITIES).result();
        assertThat(done.path("resultType").asText()).isEqualTo("complete");
        assertThat(text(done)).isEqualTo("Hello, Alice!");
    }

    @Test
    void noLogsWithoutALogLevelOnTheModernWire() {
        McpTestClient.Response response =
                client.modern("tools/call", callParams("test_logging_tool", "{}"), NO_CAPABILITIES);
        assertThat(response.notifications("notifications/message")).isEmpty();
        assertThat(text(response.result())).isEqualTo("Logging evaluated");
    }
}
