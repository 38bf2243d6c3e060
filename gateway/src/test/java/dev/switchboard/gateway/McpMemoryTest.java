package dev.switchboard.gateway;

import java.util.Map;

/** The MCP endpoint on the in-memory state store. */
class McpMemoryTest extends McpContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of();
    }

    @Override
    void resetStore() {
        // each gateway starts empty
    }
}
