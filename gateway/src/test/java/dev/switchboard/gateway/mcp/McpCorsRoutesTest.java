package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths {@link McpCors} answers for: the MCP routes and nothing else. */
class McpCorsRoutesTest {
    @Test
    void theMcpRoutesAndNothingElse() {
        assertThat(McpCors.isMcpRoute("/mcp/tools")).isTrue();
        assertThat(McpCors.isMcpRoute("/mcp/tools/sse")).isTrue();
        assertThat(McpCors.isMcpRoute("/mcp/tools/messages")).isTrue();
        assertThat(McpCors.isMcpRoute("/mcp/")).isFalse();
        assertThat(McpCors.isMcpRoute("/mcp//sse")).isFalse();
        assertThat(McpCors.isMcpRoute("/mcp/tools/other")).isFalse();
        assertThat(McpCors.isMcpRoute("/mcp/tools/sse/x")).isFalse();
        assertThat(McpCors.isMcpRoute("/mcpx/tools")).isFalse();
        assertThat(McpCors.isMcpRoute("/sse/tools")).isFalse();
    }
}
