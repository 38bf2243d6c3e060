package dev.switchboard.gateway;

import java.util.Map;

/** MCP standalone streams on the stream listener with the in-memory store (one replica plays both). */
class McpStreamListenerMemoryTest extends McpStreamListenerTest {
    @Override
    boolean twoReplicas() {
        return false;
    }

    @Override
    void resetStore() {}

    @Override
    Map<String, String> store() {
        return Map.of();
    }
}
