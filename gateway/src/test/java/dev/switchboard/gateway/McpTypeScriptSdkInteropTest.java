package dev.switchboard.gateway;

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

    @Override
    protected JsonNode runClient(String url, String transport) {
        return parse(TypeScriptSdkClient.run(url, transport));
    }

    @Override
    protected JsonNode runClientAcrossRestart(String url, String transport, Runnable between) {
        return parse(TypeScriptSdkClient.runAcross(url, transport, between));
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
