package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths are MCP routes (their CORS, admission refusals and exchanges): the three routes and nothing else. */
class McpRouteTest {
    @Test
    void theMcpRoutesAndNothingElse() {
        assertThat(isMcpRoute("/mcp/tools")).isTrue();
        assertThat(isMcpRoute("/mcp/tools/sse")).isTrue();
        assertThat(isMcpRoute("/mcp/tools/messages")).isTrue();
        assertThat(isMcpRoute("/mcp/")).isFalse();
        assertThat(isMcpRoute("/mcp//sse")).isFalse();
        assertThat(isMcpRoute("/mcp/tools/other")).isFalse();
        assertThat(isMcpRoute("/mcp/tools/sse/x")).isFalse();
        assertThat(isMcpRoute("/mcpx/tools")).isFalse();
        assertThat(isMcpRoute("/sse/tools")).isFalse();
    }

    private static boolean isMcpRoute(String path) {
        return McpRoute.of(path).isPresent();
    }
}
