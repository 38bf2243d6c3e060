package dev.switchboard.gateway.support;

import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;

/** State stores on the tests' shared Redis, with the bounds the store tests use (100 events a log, logs kept 1 h). */
public final class TestStores {
    private TestStores() {}

    /**
     * @param replicaId  the replica the store speaks for
     * @param sessionTtl how long an idle MCP session lasts
     * @return a store on {@link TestRedis#shared()}; the caller closes it
     */
    public static RedisStateStore redis(String replicaId, Duration sessionTtl) {
        return new RedisStateStore(
                RedisConnections.connect(TestRedis.shared().url(), Duration.ofSeconds(2)),
                Clock.systemUTC(),
                replicaId,
                100,
                Duration.ofHours(1),
                sessionTtl);
    }

    /** @return {@link #redis(String, Duration)} with sessions lasting 30 minutes (the gateway's default) */
    public static RedisStateStore redis(String replicaId) {
        return redis(replicaId, Duration.ofMinutes(30));
    }
}
