package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.McpRequests;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The input bridge's edges (SEP-2322 as the design digest reads it, docs/design/mcp-transports.md 4.4 and 10.6): an
 * {@code input_required} with only a {@code requestState}, the sub-capabilities a request needs, and what the client
 * is told when the gateway stops waiting for its answer. The ordinary round trip, on every store, is in
 * {@link McpContractTest}.
 */
class McpInputBridgeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        function = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(
                TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "200ms", "MCP_INPUT_TIMEOUT", "1s")));
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"2s\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    @Test
    void anAnswerWithOnlyAStateIsRetriedWithThatStateAndNothingElse() {
        String session = initialize("{}");
        JsonNode answer = call(session, 5, "{\"resultType\":\"input_required\",\"requestState\":\"shed-1\"}");

        assertThat(answer.path("result").path("content").path(0).path("text").asText())
                .as(answer.toString())
                .isEqualTo("retried with {\"inputResponses\":null,\"requestState\":\"shed-1\"}");
        assertThat(toolCalls()).as("the first call and its retry").isEqualTo(2);

        JsonNode neither = call(session, 6, "{\"resultType\":\"input_required\"}");
        assertThat(neither.path("error").path("message").asText())
                .isEqualTo("function answered input_required with neither inputRequests nor requestState");
    }

    @Test
    void aRequestIsAskedOnlyOfAClientThatDeclaredItsSubCapability() {
        String formOnly = initialize("{\"elicitation\":{\"form\":{}},\"sampling\":{}}");
        assertThat(refusal(formOnly, 1, elicitation("url"))).contains("elicitation.url capability");
        assertThat(
                        refusal(
                                formOnly,
                                2,
                                "{\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[],"
                                        + "\"maxTokens\":5,\"tools\":[{\"name\":\"t\",\"inputSchema\":{\"type\":\"object\"}}]}}"))
                .contains("sampling.tools capability");

        String urlOnly = initialize("{\"elicitation\":{\"url\":{}}}");
        assertThat(refusal(urlOnly, 3, elicitation("form"))).contains("elicitation.form capability");
        assertThat(refusal(urlOnly, 4, elicitation(null)))
                .as("a request without a mode is a form")
                .contains("elicitation.form capability");

        assertThat(toolCalls())
                .as("nothing was asked: the function is not called again")
                .isEqualTo(4);
    }

    @Test
    void onlyTheRequestsThatMayAskForInputAreBridged() {
        String session = initialize("{}");
        Http.Answer a = post(
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":"
                        + "\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"x\"}}}",
                Map.of("Mcp-Session-Id", session));
        assertThat(a.json().path("error").path("message").asText())
                .as(a.body())
                .contains("input_required to completion/complete, which cannot ask for input");
        assertThat(function.received().stream()
                        .filter(r -> r.message() != null
                                && "completion/complete"
                                        .equals(r.message().path("method").asText()))
                        .count())
                .as("not called again")
                .isEqualTo(1);
    }

    @Test
    void whatTheClientLeftUnansweredIsCancelledWhenTheGatewayStopsWaiting() {
        String session = initialize("{\"elicitation\":{}}");
        try (SseClient stream = SseClient.post(
                mcp(),
                toolCall(
                        7,
                        "{\"resultType\":\"input_required\",\"inputRequests\":{\"name\":" + elicitation(null)
                                + "},\"requestState\":\"s\"}"),
                Map.of("Accept", McpRequests.ACCEPT_BOTH, "Mcp-Session-Id", session))) {
            JsonNode asked = json(stream.nextWithData("elicitation/create", Duration.ofSeconds(5))
                    .data());
            String askId = asked.path("id").asText();

            // nobody answers within MCP_INPUT_TIMEOUT (1 s)
            JsonNode cancelled = json(stream.nextWithData("notifications/cancelled", Duration.ofSeconds(5))
                    .data());
            assertThat(cancelled.path("params").path("requestId").asText()).isEqualTo(askId);
            assertThat(cancelled.path("params").path("reason").asText()).contains("did not answer");
            JsonNode error =
                    json(stream.nextWithData("\"id\":7", Duration.ofSeconds(5)).data());
            assertThat(error.path("error").path("message").asText()).contains("did not answer");
        }
    }

    private static String elicitation(String mode) {
        return "{\"method\":\"elicitation/create\",\"params\":{" + (mode == null ? "" : "\"mode\":\"" + mode + "\",")
                + "\"message\":\"Name?\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{}}}}";
    }

    /** @return the error message of a call whose one input request the client cannot be asked */
    private String refusal(String session, int id, String request) {
        JsonNode answer = call(
                session,
                id,
                "{\"resultType\":\"input_required\",\"inputRequests\":{\"k\":" + request + "},\"requestState\":\"s\"}");
        assertThat(answer.has("error")).as(answer.toString()).isTrue();
        return answer.path("error").path("message").asText();
    }

    private String initialize(String capabilities) {
        return McpRequests.initialize(mcp(), capabilities);
    }

    /** Calls {@code ask-with}, which answers {@code first} at once and its retry with what the retry carried. */
    private JsonNode call(String session, int id, String first) {
        Http.Answer a = post(toolCall(id, first), Map.of("Mcp-Session-Id", session));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        if (a.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return json(SseClient.parse(a.body()).getLast().data());
        }
        return a.json();
    }

    private static String toolCall(int id, String first) {
        return McpRequests.toolCall(id, "ask-with", "{\"first\":" + first + "}");
    }

    private long toolCalls() {
        return function.received().stream()
                .filter(r -> r.message() != null
                        && "tools/call".equals(r.message().path("method").asText()))
                .count();
    }

    private String mcp() {
        return "http://127.0.0.1:" + gateway.port() + "/mcp/tools";
    }

    private Http.Answer post(String body, Map<String, String> headers) {
        Map<String, String> all =
                new HashMap<>(Map.of("Content-Type", "application/json", "Accept", McpRequests.ACCEPT_BOTH));
        all.putAll(headers);
        return Http.send("POST", mcp(), body, all);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(text, e);
        }
    }
}
