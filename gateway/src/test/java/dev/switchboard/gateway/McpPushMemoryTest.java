package dev.switchboard.gateway;

import java.util.Map;

/** The MCP push path with the in-memory store: one replica is both the pushed-to and the pushing one. */
class McpPushMemoryTest extends McpPushTest {
    @Override
    boolean twoReplicas() {
        return false;
    }

    @Override
    Map<String, String> store() {
        return Map.of();
    }
}
