package dev.switchboard.operator.function;

import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InvalidRegistrationException;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisFunctionStore;
import dev.switchboard.registry.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** @return the stores (default namespace) of every Redis connected now, for the sweep */
    public List<FunctionStore> connected() {
        return registries.values().stream().map(Registry::store).toList();
    }

    /**
     * After a write, removes the same resource's registration from every other connected Redis: where it was
     * before its function moved to another gateway, or its gateway to another Redis. Best effort: a Redis that
     * does not answer keeps its copy for the sweep. An entry that is the one just written (two URLs of one
     * server) is left alone.
     *
     * @param url       the Redis written to
     * @param namespace the registration's namespace
     * @param written   what was written there, with its owner
     */
    public void removeElsewhere(String url, String namespace, FunctionRegistration written) {
        String uid = written.owner().orElseThrow().uid();
        registries.forEach((other, registry) -> {
            if (!other.equals(url)) {
                bestEffort(registry, () -> {
                    FunctionStore store = registry.store().inNamespace(namespace);
                    store.get(written.name())
                            .filter(found -> found.revision() != written.revision()
                                    || !found.updatedAt().equals(written.updatedAt()))
                            .filter(found -> store.deleteOwned(written.name(), uid))
                            .ifPresent(found -> LOG.info(
                                    "Removed {} from {}, where it was registered before",
                                    Namespaces.qualified(namespace, written.name()),
                                    registry.connections().displayUrl()));
                });
            }
        });
    }

    /**
     * Removes a resource's registration from every connected Redis (its gateway is gone, so nobody can say
     * which one holds it). Best effort, as {@link #removeElsewhere}.
     *
     * @param namespace the function's namespace
     * @param name      its name
     * @param uid       the resource's uid
     */
    public void removeEverywhere(String namespace, String name, String uid) {
        registries
                .values()
                .forEach(registry -> bestEffort(
                        registry, () -> registry.store().inNamespace(namespace).deleteOwned(name, uid)));
    }

    private static void bestEffort(Registry registry, Runnable call) {
        try {
            call.run();
        } catch (StoreUnavailableException | InvalidRegistrationException e) {
            LOG.debug(
                    "Redis {} not cleaned now ({}); the sweep retries",
                    registry.connections().displayUrl(),
                    e.getMessage());
        }
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

    private record Registry(RedisConnections connections, FunctionStore store) {}
}
