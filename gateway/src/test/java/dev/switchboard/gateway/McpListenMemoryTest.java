package dev.switchboard.gateway;

import java.util.Map;

/** Listen streams with the in-memory store: one replica holds the stream and takes the push. */
class McpListenMemoryTest extends McpListenTest {
    @Override
    boolean twoReplicas() {
        return false;
    }

    @Override
    Map<String, String> store() {
        return Map.of();
    }
}
