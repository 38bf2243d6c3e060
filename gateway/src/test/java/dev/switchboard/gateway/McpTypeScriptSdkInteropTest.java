package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.TypeScriptSdkClient;

/**
 * The interop suite ({@link ServerEverythingInteropSuite}) with the official MCP TypeScript SDK client
 * ({@code testing/mcp-servers/interop-client.mjs}, the SDK pinned in its package-lock.json) as a child process.
 */
class McpTypeScriptSdkInteropTest extends ServerEverythingInteropSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private String trace = "";
    /** The cancel run against server-everything itself, once for every store's run through the gateway. */
    private JsonNode directCancel;

    @Override
    protected JsonNode runClient(String url, String transport) {
        return parse(TypeScriptSdkClient.run(url, transport));
    }

    @Override
    protected JsonNode runClientAcrossRestart(String url, String transport, Runnable between) {
        return parse(TypeScriptSdkClient.runAcross(url, transport, between));
    }

    /**
     * The TypeScript SDK resumes a stream that ended without a result, which a cancelled call's does: through the
     * gateway that resume once sent it into a plain GET that replaced the session's standalone stream, whose own
     * reconnect replaced it back, about once a second without end (issue found by a black-box probe).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} store")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"memory", "redis"})
    void aCancelledCallLeavesTheClientAsQuietAsADirectConnectionDoes(String store) throws Exception {
        if (directCancel == null) {
            directCancel =
                    JSON.readTree(TypeScriptSdkClient.runCancelling(serverUrl()).outcome());
        }
        JsonNode direct = directCancel;
        int port = startFleet(store, "public");
        TypeScriptSdkClient.Run run = TypeScriptSdkClient.runCancelling("http://127.0.0.1:" + port + "/mcp/everything");
        JsonNode through = JSON.readTree(run.outcome());

        assertThat(direct.path("cancelled").asBoolean()).isTrue();
        assertThat(through.path("cancelled").asBoolean()).as(run.trace()).isTrue();
        // at most the one resume of the cancelled call's stream, which the gateway holds quiet
        assertThat(through.path("getsWhileIdle").asInt())
                .as(run.trace())
                .isLessThanOrEqualTo(direct.path("getsWhileIdle").asInt() + 1);
        assertThat(through.path("echoAfter").toString()).contains("Echo: after");
    }

    @Override
    protected String clientTrace() {
        return trace;
    }

    private JsonNode parse(TypeScriptSdkClient.Run run) {
        trace = run.trace();
        String printed = run.outcome();
        try {
            return JSON.readTree(printed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the TypeScript SDK client printed no JSON object: " + printed, e);
        }
    }
}
