package dev.switchboard.gateway;

import java.util.Map;

/** The MCP endpoint with sessions and stream logs on a real three-master Redis Cluster. */
class McpClusterTest extends McpContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", ClusterGatewayTest.cluster().url());
    }

    @Override
    void resetStore() {
        ClusterGatewayTest.cluster().flush();
    }
}
