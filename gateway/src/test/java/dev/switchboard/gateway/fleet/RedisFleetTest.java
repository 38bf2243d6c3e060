package dev.switchboard.gateway.fleet;

import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedis;

/** The fleet on one standalone Redis. */
class RedisFleetTest extends FleetTest {
    @Override
    String redisUrl() {
        return TestRedis.shared().url();
    }

    @Override
    void flushRedis() {
        TestRedis.shared().flush();
    }

    @Override
    long eventLogLength(String clientId) {
        return Long.parseLong(TestRedis.shared().command("XLEN", RedisKeys.clientEvents(clientId)).substring(1));
    }
}
