package dev.switchboard.gateway;

import dev.switchboard.testing.TestRedis;
import java.util.Map;

/** Resumption on Redis with two gateways: a stream cut on one replica is resumed on the other. */
class McpResumptionRedisTest extends McpResumptionTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", TestRedis.shared().url());
    }

    @Override
    void resetStore() {
        TestRedis.shared().flush();
    }

    @Override
    boolean fleet() {
        return true;
    }
}
