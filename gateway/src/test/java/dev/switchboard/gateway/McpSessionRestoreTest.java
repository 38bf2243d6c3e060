package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.TestGateways;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stateful function that lost its sessions (a restart) is re-initialized by the gateway, and what the client set
 * on its session is set again on the new function session before the request that found the loss is sent again:
 * its logging level and its resource subscriptions. Real sockets, the in-memory store.
 */
class McpSessionRestoreTest {
    private static final String VERSION = "2025-11-25";

    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        function = McpFunctionStub.start(true);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback()));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"5s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    private Http.Answer post(String session, String body) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of(
                "Content-Type", "application/json", "Accept", "application/json", "MCP-Protocol-Version", VERSION));
        if (session != null) {
            headers.put("Mcp-Session-Id", session);
        }
        return Http.send("POST", "http://127.0.0.1:" + gateway.port() + "/mcp/tools", body, headers);
    }

    @Test
    void theLevelAndSubscriptionsOfTheSessionAreSetAgainOnTheFunctionsNewSession() {
        Http.Answer init = post(
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + VERSION
                        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .status())
                .isEqualTo(202);
        assertThat(post(
                                session,
                                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\",\"params\":"
                                        + "{\"level\":\"error\"}}")
                        .json()
                        .has("result"))
                .isTrue();
        for (String uri : List.of("res://a", "res://b")) {
            assertThat(post(
                                    session,
                                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/subscribe\",\"params\":"
                                            + "{\"uri\":\"" + uri + "\"}}")
                            .json()
                            .has("result"))
                    .as(uri)
                    .isTrue();
        }

        function.forgetSessions();
        int before = function.received().size();
        Http.Answer call = post(
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}");

        assertThat(call.status()).as(call.body()).isEqualTo(200);
        assertThat(call.json().has("result")).as(call.body()).isTrue();
        List<McpFunctionStub.Received> after =
                function.received().subList(before, function.received().size());
        List<String> onTheNewSession = after.stream()
                .filter(r -> r.message() != null
                        && "backend-session-2".equals(r.headers().getFirst("Mcp-Session-Id")))
                .map(r -> r.message().path("method").asText() + " "
                        + r.message().path("params").path("level").asText()
                        + r.message().path("params").path("uri").asText())
                .toList();
        assertThat(onTheNewSession)
                .as("the state first, then the call that found the loss")
                .containsExactlyInAnyOrder(
                        "notifications/initialized ",
                        "logging/setLevel error",
                        "resources/subscribe res://a",
                        "resources/subscribe res://b",
                        "tools/call ");
        assertThat(onTheNewSession.getLast()).isEqualTo("tools/call ");
    }
}
