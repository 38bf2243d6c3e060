package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP envelope: statuses for messages that need no answer, malformed bodies, batches and other routes. */
class HttpTransportTest extends FunctionTestSupport {

    @Test
    void notificationsAndResponsesAreAcceptedWithoutABody() {
        for (String message : new String[] {
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{\"roots\":[]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"srv-2\",\"error\":{\"code\":-1,\"message\":\"no\"}}"
        }) {
            McpTestClient.Response response = client.post(message, Map.of("Accept", McpTestClient.BOTH));
            assertThat(response.status()).as(message).isEqualTo(202);
            assertThat(response.body()).as(message).isEmpty();
        }
    }

    @Test
    void badJsonIsAParseError() {
        McpTestClient.Response response = client.post("{\"jsonrpc\":\"2.0\",", Map.of());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error().path("code").asInt()).isEqualTo(-32700);
        assertThat(response.message().get("id").isNull()).isTrue();

        assertThat(client.post("", Map.of()).status()).isEqualTo(400);
    }

    @Test
    void malformedRequestsAreInvalid() {
        for (String message : new String[] {
            "42",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}"
        }) {
            McpTestClient.Response response = client.post(message, Map.of());
            assertThat(response.status()).as(message).isEqualTo(400);
            assertThat(response.error().path("code").asInt()).as(message).isEqualTo(-32600);
        }
    }

    @Test
    void batchesAreProcessedInOrder() {
        McpTestClient.Response response = client.post("""
                [{"jsonrpc":"2.0","id":1,"method":"ping"},
                 {"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text"}},
                 {"jsonrpc":"2.0","id":3,"method":"initialize","params":{}}]""", Map.of("Accept", McpTestClient.BOTH));
        assertThat(response.status()).isEqualTo(200);
        JsonNode replies = response.message();
        assertThat(replies.isArray()).isTrue();
        assertThat(replies).hasSize(3);
        assertThat(replies.path(0).path("id").asInt()).isEqualTo(1);
        assertThat(text(replies.path(1).path("result"))).isEqualTo("This is a simple text response for testing.");
        assertThat(replies.path(2).path("error").path("code").asInt()).isEqualTo(-32600);

        assertThat(client.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]", Map.of())
                        .status())
                .isEqualTo(202);
        assertThat(client.post("[]", Map.of()).status()).isEqualTo(400);
    }

    @Test
    void bothPathsServeMcp() {
        McpTestClient root = new McpTestClient(base.resolve("/"));
        assertThat(root.request("ping", null).result()).isEmpty();
    }

    @Test
    void healthAndOtherRoutes() {
        HttpResponse<String> health =
                client.send(HttpRequest.newBuilder(base.resolve("/healthz")).GET());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("ok");

        HttpResponse<String> get =
                client.send(HttpRequest.newBuilder(base.resolve("/mcp")).GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> delete =
                client.send(HttpRequest.newBuilder(base.resolve("/mcp")).DELETE());
        assertThat(delete.statusCode()).isEqualTo(405);

        HttpResponse<String> other =
                client.send(HttpRequest.newBuilder(base.resolve("/other")).GET());
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void oversizedBodiesAreRefused() {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                + "x".repeat(McpEndpoint.MAX_BODY_BYTES) + "\"}}";
        assertThat(client.post(big, Map.of()).status()).isEqualTo(413);
    }
}
