package dev.switchboard.gateway;

import java.util.Map;

/** The API contract on the embedded in-memory state store. */
class MemoryGatewayTest extends GatewayContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of();
    }

    @Override
    void resetStore() {
        // each gateway starts with empty memory
    }
}
