package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Multi round-trip requests: input_required, the retry with inputResponses and the echoed requestState. */
class MrtrTest extends FunctionTestSupport {

    private static final String ACCEPTED = """
            {"action":"accept","content":{"username":"testuser","email":"test@example.com"}}""";

    @Test
    void elicitationRoundTrip() {
        JsonNode first = client.request(
                        "tools/call",
                        callParams("test_elicitation", "{\"message\":\"Please provide your information\"}"))
                .result();

        assertThat(first.path("resultType").asText()).isEqualTo("input_required");
        assertThat(first.path("inputRequests").size()).isEqualTo(1);
        String key = first.path("inputRequests").fieldNames().next();
        JsonNode request = first.path("inputRequests").path(key);
        assertThat(request.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(request.has("id")).isFalse();
        assertThat(request.has("jsonrpc")).isFalse();
        assertThat(request.path("params").path("message").asText()).isEqualTo("Please provide your information");
        JsonNode schema = request.path("params").path("requestedSchema");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("properties").path("username").path("type").asText())
                .isEqualTo("string");
        assertThat(schema.path("properties").path("email").path("type").asText())
                .isEqualTo("string");
        assertThat(schema.path("required").toString()).isEqualTo("[\"username\",\"email\"]");
        String state = first.path("requestState").asText();
        assertThat(state).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

        JsonNode done = client.request(
                        "tools/call",
                        retry(
                                callParams("test_elicitation", "{\"message\":\"Please provide your information\"}"),
                                "{\"" + key + "\":" + ACCEPTED + "}",
                                state))
                .result();
        assertThat(done.has("resultType"))
                .as("legacy request: no resultType on complete")
                .isFalse();
        assertThat(text(done))
                .isEqualTo(
                        "User response: action=accept, content={\"username\":\"testuser\",\"email\":\"test@example.com\"}");
    }

    @Test
    void declinedElicitationReportsTheAction() {
        ObjectNode call = callParams("test_elicitation_sep1034_defaults", "{}");
        JsonNode first = client.request("tools/call", call).result();
        String key = first.path("inputRequests").fieldNames().next();
        JsonNode schema = first.path("inputRequests").path(key).path("params").path("requestedSchema");
        assertThat(schema.path("properties").path("age").path("default").asInt())
                .isEqualTo(30);
        assertThat(schema.path("properties").path("score").path("default").asDouble())
                .isEqualTo(95.5);
        assertThat(schema.path("properties").path("status").path("default").asText())
                .isEqualTo("active");

        JsonNode done = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"" + key + "\":{\"action\":\"decline\"}}",
                                first.path("requestState").asText()))
                .result();
        assertThat(text(done)).isEqualTo("Elicitation completed: action=decline, content={}");
    }

    @Test
    void samplingRoundTrip() {
        ObjectNode call = callParams("test_sampling", "{\"prompt\":\"Test prompt for sampling\"}");
        JsonNode first = client.request("tools/call", call).result();
        String key = first.path("inputRequests").fieldNames().next();
        JsonNode params = first.path("inputRequests").path(key).path("params");
        assertThat(first.path("inputRequests").path(key).path("method").asText())
                .isEqualTo("sampling/createMessage");
        assertThat(params.path("maxTokens").asInt()).isEqualTo(100);
        assertThat(params.path("messages").path(0).path("content").path("text").asText())
                .isEqualTo("Test prompt for sampling");

        JsonNode done = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"" + key + "\":{\"role\":\"assistant\","
                                        + "\"content\":{\"type\":\"text\",\"text\":\"This is a test response from the client\"},"
                                        + "\"model\":\"test-model\",\"stopReason\":\"endTurn\"}}",
                                first.path("requestState").asText()))
                .result();
        assertThat(text(done)).isEqualTo("LLM response: This is a test response from the client");
    }

    @Test
    void tamperedOrMisappliedStateIsRejected() {
        ObjectNode call = callParams("test_input_required_result_tampered_state", "{}");
        JsonNode first = client.request("tools/call", call).result();
        String state = first.path("requestState").asText();
        String answer = "{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}}";

        JsonNode tampered = client.request("tools/call", retry(call, answer, state + "-TAMPERED"))
                .error();
        assertThat(tampered.path("code").asInt()).isEqualTo(-32602);

        // a payload rewritten by the client, even with the old signature, fails too
        String[] parts = state.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
                .replace("\"exp\":", "\"exp\":9");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[1];
        assertThat(client.request("tools/call", retry(call, answer, forged))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);

        // state issued for one tool does not unlock another
        JsonNode misapplied = client.request(
                        "tools/call",
                        retry(callParams("test_input_required_result_request_state", "{}"), answer, state))
                .error();
        assertThat(misapplied.path("code").asInt()).isEqualTo(-32602);

        // nor for other arguments
        ObjectNode sampling = callParams("test_sampling", "{\"prompt\":\"a\"}");
        String samplingState = client.request("tools/call", sampling)
                .result()
                .path("requestState")
                .asText();
        assertThat(client.request(
                                "tools/call",
                                retry(callParams("test_sampling", "{\"prompt\":\"b\"}"), "{}", samplingState))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);

        JsonNode genuine =
                client.request("tools/call", retry(call, answer, state)).result();
        assertThat(text(genuine)).isEqualTo("integrity-ok: state verified");
    }

    @Test
    void expiredStateIsRejected() {
        ObjectNode call = callParams("test_input_required_result_request_state", "{}");
        String state =
                client.request("tools/call", call).result().path("requestState").asText();
        CLOCK.advance(Interaction.STATE_TTL.plus(Duration.ofSeconds(1)));
        JsonNode error = client.request(
                        "tools/call",
                        retry(call, "{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}}", state))
                .error();
        assertThat(error.path("code").asInt()).isEqualTo(-32602);
        assertThat(error.path("message").asText()).contains("expired");
    }

    @Test
    void stateIsBoundToTheForwardedClientId() {
        ObjectNode call = callParams("test_input_required_result_request_state", "{}");
        String state = client.request("tools/call", call, Map.of("Accept", McpTestClient.BOTH, "X-Client-ID", "alice"))
                .result()
                .path("requestState")
                .asText();
        String answer = "{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}}";
        assertThat(client.request(
                                "tools/call",
                                retry(call, answer, state),
                                Map.of("Accept", McpTestClient.BOTH, "X-Client-ID", "mallory"))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
        assertThat(text(client.request(
                                "tools/call",
                                retry(call, answer, state),
                                Map.of("Accept", McpTestClient.BOTH, "X-Client-ID", "alice"))
                        .result()))
                .startsWith("state-ok");
    }

    @Test
    void multiRoundCarriesEarlierAnswersInTheState() {
        ObjectNode call = callParams("test_input_required_result_multi_round", "{}");
        JsonNode first = client.request("tools/call", call).result();
        assertThat(first.path("inputRequests").has("step1")).isTrue();

        JsonNode second = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"step1\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}}",
                                first.path("requestState").asText()))
                .result();
        assertThat(second.path("resultType").asText()).isEqualTo("input_required");
        assertThat(second.path("inputRequests").has("step2")).isTrue();
        assertThat(second.path("inputRequests").has("step1")).isFalse();
        assertThat(second.path("requestState").asText())
                .isNotEqualTo(first.path("requestState").asText());

        JsonNode done = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"step2\":{\"action\":\"accept\",\"content\":{\"color\":\"blue\"}}}",
                                second.path("requestState").asText()))
                .result();
        assertThat(text(done)).isEqualTo("Multi-round complete for Alice who likes blue");
    }

    @Test
    void statefulFlowsIgnoreAnswersWithoutState() {
        JsonNode result = client.request(
                        "tools/call",
                        retry(
                                callParams("test_input_required_result_request_state", "{}"),
                                "{\"confirm\":{\"action\":\"accept\",\"content\":{\"ok\":true}}}",
                                null))
                .result();
        assertThat(result.path("resultType").asText()).isEqualTo("input_required");
    }

    @Test
    void missingAnswersAreAskedForAgainAndPartialOnesKept() {
        ObjectNode call = callParams("test_input_required_result_multiple_inputs", "{}");
        JsonNode first = client.request("tools/call", call).result();
        assertThat(first.path("inputRequests").findValuesAsText("method"))
                .containsExactlyInAnyOrder("elicitation/create", "sampling/createMessage", "roots/list");

        JsonNode partial = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"user_name\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}},\"extra\":42}",
                                first.path("requestState").asText()))
                .result();
        assertThat(partial.path("resultType").asText()).isEqualTo("input_required");
        assertThat(partial.path("inputRequests").has("user_name")).isFalse();
        assertThat(partial.path("inputRequests").has("greeting")).isTrue();
        assertThat(partial.path("inputRequests").has("client_roots")).isTrue();

        JsonNode done = client.request(
                        "tools/call",
                        retry(call, """
                {"greeting":{"role":"assistant","content":{"type":"text","text":"Hello there!"},"model":"m"},
                 "client_roots":{"roots":[{"uri":"file:///test/root","name":"Test Root"}]}}""", partial.path("requestState").asText()))
                .result();
        assertThat(text(done)).isEqualTo("Name: Alice; Greeting: Hello there!; Roots: 1");
    }

    @Test
    void wrongKeysAreAskedForAgainAndMalformedAnswersRejected() {
        ObjectNode call = callParams("test_input_required_result_elicitation", "{}");
        JsonNode wrongKey = client.request(
                        "tools/call", retry(call, "{\"wrong_key\":{\"action\":\"accept\",\"content\":{}}}", null))
                .result();
        assertThat(wrongKey.path("resultType").asText()).isEqualTo("input_required");
        assertThat(wrongKey.path("inputRequests").has("user_name")).isTrue();

        assertThat(client.request("tools/call", retry(call, "{\"user_name\":12345}", null))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
        ObjectNode nullResponses = call.deepCopy();
        nullResponses.putNull("inputResponses");
        assertThat(client.request("tools/call", nullResponses)
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);

        // a single-question tool needs no state: extra keys are ignored
        JsonNode bare = client.request(
                        "tools/call",
                        retry(
                                call,
                                "{\"user_name\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}},\"unknown\":{}}",
                                null))
                .result();
        assertThat(text(bare)).isEqualTo("Hello, Alice!");
    }

    @Test
    void promptsGetCanAskToo() {
        ObjectNode get = params("{\"name\":\"test_input_required_result_prompt\"}");
        JsonNode first = client.request("prompts/get", get).result();
        assertThat(first.path("resultType").asText()).isEqualTo("input_required");
        JsonNode done = client.request(
                        "prompts/get",
                        retry(
                                get,
                                "{\"user_context\":{\"action\":\"accept\",\"content\":{\"context\":\"test context\"}}}",
                                first.path("requestState").asText()))
                .result();
        assertThat(done.path("messages").path(0).path("content").path("text").asText())
                .isEqualTo("Prompt with context: test context");
    }

    @Test
    void rootsAndEnumsShapes() {
        JsonNode roots = client.request("tools/call", callParams("test_input_required_result_list_roots", "{}"))
                .result()
                .path("inputRequests")
                .path("client_roots");
        assertThat(roots).isEqualTo(McpTestClient.json("{\"method\":\"roots/list\",\"params\":{}}"));

        JsonNode enums = client.request("tools/call", callParams("test_elicitation_sep1330_enums", "{}"))
                .result()
                .path("inputRequests")
                .elements()
                .next()
                .path("params")
                .path("requestedSchema")
                .path("properties");
        assertThat(enums.path("titledSingle").path("oneOf").path(1))
                .isEqualTo(McpTestClient.json("{\"const\":\"value2\",\"title\":\"Second Option\"}"));
        assertThat(enums.path("legacyEnum").path("enumNames").path(2).asText()).isEqualTo("Option Three");
        assertThat(enums.path("untitledMulti").path("items").path("enum").size())
                .isEqualTo(3);
        assertThat(enums.path("titledMulti").path("items").path("anyOf").path(0))
                .isEqualTo(McpTestClient.json("{\"const\":\"value1\",\"title\":\"First Choice\"}"));
    }

    /** The original params plus inputResponses and (if any) the echoed requestState. */
    private static ObjectNode retry(ObjectNode original, String inputResponses, String requestState) {
        ObjectNode params = original.deepCopy();
        params.set("inputResponses", McpTestClient.json(inputResponses));
        if (requestState != null) {
            params.put("requestState", requestState);
        }
        return params;
    }
}
