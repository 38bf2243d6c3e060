package dev.switchboard.gateway;

import java.util.Map;

/** Topics on the embedded in-memory state store, streams on the public listener. */
class MemoryTopicsTest extends TopicsContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of();
    }

    @Override
    void resetStore() {
        // each gateway starts with empty memory
    }
}
