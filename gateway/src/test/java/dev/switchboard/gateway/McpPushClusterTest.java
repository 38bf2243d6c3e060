package dev.switchboard.gateway;

import java.util.Map;

/**
 * The MCP push path on a real three-master Redis Cluster: the server's session index, each session's
 * subscriptions and its log live in different slots, and every command touches one.
 */
class McpPushClusterTest extends McpPushTest {
    @Override
    void resetStore() {
        ClusterGatewayTest.cluster().flush();
    }

    @Override
    Map<String, String> store() {
        return Map.of("REDIS_URL", ClusterGatewayTest.cluster().url());
    }
}
