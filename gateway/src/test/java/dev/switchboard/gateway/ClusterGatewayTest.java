package dev.switchboard.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.TestRedisCluster;
import java.util.Map;

/** The API contract on a real three-master Redis Cluster (skipped where redis-server or redis-cli is missing). */
class ClusterGatewayTest extends GatewayContractTest {
    @Override
    Map<String, String> storeConfig() {
        return Map.of("REDIS_URL", cluster().url());
    }

    @Override
    void resetStore() {
        cluster().flush();
    }

    static TestRedisCluster cluster() {
        TestRedisCluster cluster = TestRedisCluster.shared().orElse(null);
        assumeTrue(cluster != null, "redis-server and redis-cli are not on PATH");
        return cluster;
    }
}
