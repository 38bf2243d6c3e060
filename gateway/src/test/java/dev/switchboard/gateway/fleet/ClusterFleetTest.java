package dev.switchboard.gateway.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.registry.RedisKeys;
import dev.switchboard.testing.TestRedisCluster;

/** The fleet on a real three-master Redis Cluster (skipped where redis-server or redis-cli is missing). */
class ClusterFleetTest extends FleetTest {
    private static TestRedisCluster cluster() {
        TestRedisCluster cluster = TestRedisCluster.shared().orElse(null);
        assumeTrue(cluster != null, "redis-server and redis-cli are not on PATH");
        return cluster;
    }

    @Override
    String redisUrl() {
        return cluster().url();
    }

    @Override
    void flushRedis() {
        cluster().flush();
    }

    @Override
    long eventLogLength(String clientId) {
        return cluster().integer("XLEN " + RedisKeys.clientEvents(clientId));
    }
}
