package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tools that change the server push through the configured route: the request they send (body, credential)
 * to a stand-in of the gateway's route over a real socket, the changed listing, and a refused push reported as a
 * tool error. The gateway's side is proved by the gateway module's McpPushTest.
 */
class PushToolsTest {
    private HttpServer route;
    private HttpServer function;
    private McpTestClient client;
    private final List<String> pushes = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private volatile int status = 202;

    @BeforeEach
    void start() throws IOException {
        route = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        route.createContext("/publish/mcp/tools", exchange -> {
            try (exchange) {
                pushes.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                credentials.add(exchange.getRequestHeaders().getFirst("Authorization"));
                byte[] body = (status == 202 ? "{\"sessions\":2}" : "{\"code\":\"PUBLISH_FORBIDDEN\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        route.start();
        Pusher pusher = new Pusher(
                URI.create("http://127.0.0.1:" + route.getAddress().getPort() + "/publish/mcp/tools"),
                Map.of("Authorization", "Bearer secret-token"));
        function = McpFunction.start("127.0.0.1", 0, FunctionTestSupport.SECRET, pusher);
        client = new McpTestClient(
                URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/mcp"));
    }

    @AfterEach
    void stop() {
        function.stop(0);
        route.stop(0);
    }

    private JsonNode call(String tool) {
        return client.request("tools/call", FunctionTestSupport.callParams(tool, "{}"))
                .result();
    }

    @Test
    void togglingTheExtraToolChangesTheListAndPushesListChanged() {
        assertThat(FunctionTestSupport.text(call("toggle_extra_tool")))
                .isEqualTo("extra_tool added; 2 session(s) told");
        assertThat(pushes).containsExactly("{\"method\":\"notifications/tools/list_changed\"}");
        assertThat(credentials).containsExactly("Bearer secret-token");
        JsonNode tools =
                client.request("tools/list", FunctionTestSupport.params("{}")).result();
        assertThat(tools.path("tools").findValuesAsText("name")).contains("extra_tool");
        assertThat(FunctionTestSupport.text(call("toggle_extra_tool"))).startsWith("extra_tool removed");
        assertThat(client.request("tools/list", FunctionTestSupport.params("{}"))
                        .result()
                        .path("tools")
                        .findValuesAsText("name"))
                .doesNotContain("extra_tool");
        JsonNode init = client.request(
                        "initialize",
                        FunctionTestSupport.params("{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}"))
                .result();
        assertThat(init.path("capabilities").path("tools").path("listChanged").asBoolean())
                .isTrue();
    }

    @Test
    void bumpingTheCounterChangesTheResourceAndPushesResourcesUpdated() {
        assertThat(FunctionTestSupport.text(call("bump_counter"))).isEqualTo("counter is 1; 2 session(s) told");
        assertThat(pushes)
                .containsExactly(
                        "{\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"test://counter\"}}");
        JsonNode read = client.request("resources/read", FunctionTestSupport.params("{\"uri\":\"test://counter\"}"))
                .result();
        assertThat(read.path("contents").path(0).path("text").asText()).isEqualTo("1");
    }

    @Test
    void theConformanceHooksAnnounceListChangesAndDiscoverDeclaresThem() {
        assertThat(FunctionTestSupport.text(call("test_trigger_tool_change")))
                .isEqualTo("tool list change announced; 2 session(s) told");
        assertThat(FunctionTestSupport.text(call("test_trigger_prompt_change")))
                .isEqualTo("prompt list change announced; 2 session(s) told");
        assertThat(pushes)
                .containsExactly(
                        "{\"method\":\"notifications/tools/list_changed\"}",
                        "{\"method\":\"notifications/prompts/list_changed\"}");
        // the gateway holds subscriptions/listen streams for this function: with a push route, 2026 says so too
        JsonNode capabilities = client.modern("server/discover", null, McpTestClient.json("{}"))
                .result()
                .path("capabilities");
        assertThat(capabilities.path("tools").path("listChanged").asBoolean()).isTrue();
        assertThat(capabilities.path("prompts").path("listChanged").asBoolean()).isTrue();
        assertThat(capabilities.path("resources").path("subscribe").asBoolean()).isTrue();
    }

    @Test
    void aRefusedPushIsAToolError() {
        status = 403;
        JsonNode result = call("bump_counter");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(FunctionTestSupport.text(result)).contains("403").contains("PUBLISH_FORBIDDEN");
    }
}
