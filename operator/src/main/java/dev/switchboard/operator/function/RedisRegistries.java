package dev.switchboard.operator.function;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisFunctionStore;
import dev.switchboard.registry.StoreUnavailableException;

/**
 * The function stores of the gateways' Redis servers, one per distinct URL, connected on first use and kept
 * for the operator's life (Lettuce reconnects by itself after an outage). A failed connection is not cached,
 * so the next reconcile tries again. URLs may carry passwords: they are map keys only, never logged.
 */
public final class RedisRegistries implements AutoCloseable {
    /** Short, so that a reconcile against an unreachable Redis fails fast and backs off. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(RedisRegistries.class);

    private final Duration commandTimeout;
    private final Clock clock;
    private final Map<String, Registry> registries = new ConcurrentHashMap<>();

    /**
     * @param commandTimeout bound on one Redis command and on connecting
     * @param clock          source of registration times
     */
    public RedisRegistries(Duration commandTimeout, Clock clock) {
        this.commandTimeout = commandTimeout;
        this.clock = clock;
    }

    /** @return registries with {@link #DEFAULT_COMMAND_TIMEOUT} and the system clock */
    public static RedisRegistries create() {
        return new RedisRegistries(DEFAULT_COMMAND_TIMEOUT, Clock.systemUTC());
    }

    /**
     * @param url a Redis URL
     * @return the function store in that Redis
     * @throws StoreUnavailableException when Redis cannot be reached now
     * @throws IllegalArgumentException  when the URL is not a Redis URL
     */
    public FunctionStore store(String url) {
        return registries.computeIfAbsent(url, this::connect).store();
    }

    private Registry connect(String url) {
        RedisConnections connections = RedisConnections.connect(url, commandTimeout);
        LOG.info("Connected to Redis at {}", connections.displayUrl());
        return new Registry(connections, new RedisFunctionStore(connections, clock));
    }

    @Override
    public void close() {
        registries.values().forEach(r -> r.connections().close());
        registries.clear();
    }

    private record Registry(RedisConnections connections, FunctionStore store) {
    }
}
