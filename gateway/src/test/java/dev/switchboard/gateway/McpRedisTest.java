package dev.switchboard.gateway;

import dev.switchboard.testing.TestRedis;
import java.util.Map;

/** The MCP endpoint with sessions and stream logs in Redis. */
class McpRedisTest extends McpContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", TestRedis.shared().url());
    }

    @Override
    void resetStore() {
        TestRedis.shared().flush();
    }
}
