package dev.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/** MCP messages the gateway's tests send over real HTTP: a session's {@code initialize}, and tool calls. */
public final class McpRequests {
    /** What a client must accept on a POST (transports spec). */
    public static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private McpRequests() {}

    /**
     * Opens a 2025-11-25 session.
     *
     * @param mcpUrl       the server's {@code /mcp/{name}} URL
     * @param capabilities the client's capabilities, as JSON
     * @return the session id
     */
    public static String initialize(String mcpUrl, String capabilities) {
        Http.Answer a = Http.send(
                "POST",
                mcpUrl,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /**
     * @param id        the request's id
     * @param tool      the tool
     * @param arguments its arguments, as JSON
     * @return a {@code tools/call} with progress token {@code t}
     */
    public static String toolCall(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + ",\"_meta\":{\"progressToken\":\"t\"}}}";
    }
}
