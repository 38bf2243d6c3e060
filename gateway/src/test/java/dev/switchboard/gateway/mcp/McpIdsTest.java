package dev.switchboard.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A session's id names the transport that opened it, and no unmarked id passes for a marked one. */
class McpIdsTest {
    @Test
    void eachTransportsIdsCarryItsMarkAndOnlyThose() {
        for (int i = 0; i < 1000; i++) {
            String streamable = McpIds.streamableSessionId();
            String legacy = McpIds.legacySessionId();
            String unmarked = McpIds.sessionId(); // as replicas older than the marks made them

            assertThat(McpIds.namesTransport(streamable)).isTrue();
            assertThat(McpIds.isLegacy(streamable)).isFalse();
            assertThat(McpIds.namesTransport(legacy)).isTrue();
            assertThat(McpIds.isLegacy(legacy)).isTrue();
            assertThat(McpIds.namesTransport(unmarked)).as(unmarked).isFalse();
            // visible ASCII, as the transports spec requires of Mcp-Session-Id
            assertThat(streamable + legacy).matches("[\\x21-\\x7e]+");
        }
    }
}
