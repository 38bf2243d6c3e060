package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request-scoped notifications: they stream before the response, and only when asked for and acceptable. */
class StreamingTest extends FunctionTestSupport {

    private static final String WITH_DEBUG_LEVEL =
            "{\"name\":\"test_tool_with_logging\",\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/logLevel\":\"%s\"}}";

    @Test
    void loggingToolStreamsThreeMessagesWhenALevelIsSet() {
        McpTestClient.Response response = client.request("tools/call", params(WITH_DEBUG_LEVEL.formatted("debug")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.isStream()).isTrue();
        assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        List<McpTestClient.Event> logs = response.notifications("notifications/message");
        assertThat(logs)
                .extracting(e -> e.message().path("params").path("data").asText())
                .containsExactly("Tool execution started", "Tool processing data", "Tool execution completed");
        assertThat(logs)
                .allSatisfy(
                        e -> assertThat(e.message().path("params").path("level").asText())
                                .isEqualTo("info"));
        assertThat(response.events()).hasSize(4);
        assertThat(response.events()
                        .getLast()
                        .message()
                        .path("result")
                        .path("content")
                        .path(0)
                        .path("text")
                        .asText())
                .isEqualTo("Tool with logging executed successfully");
        // really streamed, ~50 ms apart, not buffered up with the result
        assertThat(logs.get(2).atMillis() - logs.get(0).atMillis()).isGreaterThanOrEqualTo(80);
    }

    @Test
    void loggingToolSendsNothingWithoutALevelOrAboveIt() {
        McpTestClient.Response none = client.request("tools/call", callParams("test_tool_with_logging", "{}"));
        assertThat(none.isStream()).isFalse();
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(text(none.result())).isEqualTo("Tool with logging executed successfully");

        McpTestClient.Response quiet = client.request("tools/call", params(WITH_DEBUG_LEVEL.formatted("warning")));
        assertThat(quiet.isStream()).isFalse();
        assertThat(quiet.notifications("notifications/message")).isEmpty();

        McpTestClient.Response unknown = client.request("tools/call", params(WITH_DEBUG_LEVEL.formatted("loud")));
        assertThat(unknown.error().path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void nothingStreamsToAClientThatDoesNotAcceptEventStreams() {
        McpTestClient.Response response = client.request(
                "tools/call", params(WITH_DEBUG_LEVEL.formatted("debug")), Map.of("Accept", "application/json"));
        assertThat(response.isStream()).isFalse();
        assertThat(text(response.result())).isEqualTo("Tool with logging executed successfully");
    }

    @Test
    void progressToolStreamsThreeProgressNotificationsThenTheResult() {
        McpTestClient.Response response = client.request(
                "tools/call",
                params(
                        "{\"name\":\"test_tool_with_progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p-1\"}}"));

        assertThat(response.isStream()).isTrue();
        List<McpTestClient.Event> progress = response.notifications("notifications/progress");
        assertThat(progress).hasSize(3);
        assertThat(progress)
                .extracting(e -> e.message().path("params").path("progress").asInt())
                .containsExactly(0, 50, 100);
        assertThat(progress).allSatisfy(e -> {
            JsonNode params = e.message().path("params");
            assertThat(params.path("progressToken").asText()).isEqualTo("p-1");
            assertThat(params.path("total").asInt()).isEqualTo(100);
        });
        assertThat(response.events().getLast().message().has("result")).isTrue();
        assertThat(response.events().getLast().message().path("id").asInt()).isPositive();
        assertThat(progress.get(2).atMillis() - progress.get(0).atMillis()).isGreaterThanOrEqualTo(80);

        McpTestClient.Response integerToken = client.request(
                "tools/call",
                params("{\"name\":\"test_tool_with_progress\",\"arguments\":{},\"_meta\":{\"progressToken\":7}}"));
        assertThat(integerToken.notifications("notifications/progress"))
                .allSatisfy(e -> assertThat(
                                e.message().path("params").path("progressToken").isInt())
                        .isTrue());
    }

    @Test
    void progressToolWithoutATokenAnswersPlainJson() {
        McpTestClient.Response response = client.request("tools/call", callParams("test_tool_with_progress", "{}"));
        assertThat(response.isStream()).isFalse();
        assertThat(response.result().path("content").size()).isEqualTo(1);
    }
}
