package dev.switchboard.gateway;

import java.util.Map;

/** Resumption on the in-memory store: one replica, which is also the "other" one. */
class McpResumptionMemoryTest extends McpResumptionTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of();
    }

    @Override
    void resetStore() {
        // each gateway starts empty
    }

    @Override
    boolean fleet() {
        return false;
    }
}
