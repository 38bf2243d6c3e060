package dev.switchboard.registry;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Lettuce connections of one process: a shared connection for ordinary commands and a dedicated one
 * for pub/sub, to a standalone Redis, through Sentinel, or to a Redis Cluster ({@link RedisTarget}).
 * Commands fail at once while Redis is unreachable (no queueing that would pile up threads) and time out
 * after the configured command timeout; Lettuce reconnects and resubscribes by itself. Callers see one
 * command interface for every topology: on a Cluster, Lettuce routes each command by its key's slot and
 * runs SCAN over every master.
 */
public final class RedisConnections implements AutoCloseable {
    /**
     * Longest pause between two reconnection attempts. Short, because until the pub/sub connection is back
     * a replica misses the fan-out of events others log (it catches up from the logs once subscribed); a
     * few attempts a second against a Redis that is down cost nothing.
     */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);
    /** How often a Cluster client re-reads the topology even when nothing failed. */
    public static final Duration CLUSTER_TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private final AbstractRedisClient client;
    private final ClientResources resources;
    private final StatefulConnection<String, String> connection;
    /** Not final: {@link #decorateCommands} may wrap it once, before the connections are shared. */
    private volatile RedisClusterCommands<String, String> sync;

    private final RedisClusterAsyncCommands<String, String> async;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String displayUrl;
    private final Duration commandTimeout;

    private RedisConnections(
            AbstractRedisClient client,
            ClientResources resources,
            StatefulConnection<String, String> connection,
            RedisClusterCommands<String, String> sync,
            RedisClusterAsyncCommands<String, String> async,
            StatefulRedisPubSubConnection<String, String> pubSub,
            String displayUrl,
            Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.sync = sync;
        this.async = async;
        this.pubSub = pubSub;
        this.displayUrl = displayUrl;
    }

    /**
     * Connects, failing when Redis cannot be reached now.
     *
     * @param url            a Redis URL in one of {@link RedisTarget}'s forms
     * @param commandTimeout how long one command may take
     * @return the connections
     * @throws StoreUnavailableException when Redis cannot be reached
     * @throws IllegalArgumentException  when the URL is not a Redis URL
     */
    public static RedisConnections connect(String url, Duration commandTimeout) {
        RedisTarget target = RedisTarget.parse(url);
        target.seeds().forEach(seed -> seed.setTimeout(commandTimeout));
        // Reconnect attempts back off from 50 ms to at most 2 s, so service resumes soon after Redis does.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                // Lettuce times every command into histograms by default; nothing reads them (the gateway's own
                // metrics count Redis errors), and they cost CPU on every command (bench/notes.md)
                .commandLatencyRecorder(io.lettuce.core.metrics.CommandLatencyRecorder.disabled())
                .build();
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(commandTimeout)
                .keepAlive(true)
                .build();
        String display = target.display();
        AbstractRedisClient client = null;
        try {
            if (target.cluster()) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, target.seeds());
                client = cluster;
                cluster.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                        .socketOptions(socket)
                        // follow failovers and resharding: re-read the topology on
                        // MOVED/ASK redirects and reconnects, and periodically
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(CLUSTER_TOPOLOGY_REFRESH)
                                .enableAllAdaptiveRefreshTriggers()
                                .build())
                        .build());
                StatefulRedisClusterConnection<String, String> connection = cluster.connect(StringCodec.UTF8);
                connectToEveryMaster(cluster, connection, resources);
                StatefulRedisClusterPubSubConnection<String, String> pubSub = cluster.connectPubSub(StringCodec.UTF8);
                connectPubSubToEveryMaster(pubSub, resources);
                return new RedisConnections(
                        cluster,
                        resources,
                        connection,
                        connection.sync(),
                        connection.async(),
                        pubSub,
                        display,
                        commandTimeout);
            }
            RedisClient standalone =
                    RedisClient.create(resources, target.seeds().getFirst());
            client = standalone;
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(socket)
                    .build());
            StatefulRedisConnection<String, String> connection = standalone.connect(StringCodec.UTF8);
            StatefulRedisPubSubConnection<String, String> pubSub = standalone.connectPubSub(StringCodec.UTF8);
            return new RedisConnections(
                    standalone,
                    resources,
                    connection,
                    connection.sync(),
                    connection.async(),
                    pubSub,
                    display,
                    commandTimeout);
        } catch (RedisException e) {
            if (client != null) {
                client.shutdown();
            }
            resources.shutdown();
            throw new StoreUnavailableException("cannot reach Redis at " + display + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the connection to each master now, and to each new master when the topology changes. Lettuce
     * opens node connections lazily, and with commands rejected while disconnected, the first command to a
     * node whose connection is still opening would fail.
     */
    private static void connectToEveryMaster(
            RedisClusterClient cluster,
            StatefulRedisClusterConnection<String, String> connection,
            ClientResources resources) {
        for (RedisClusterNode node : cluster.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                // by host and port: the key under which Lettuce routes commands by slot
                connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
            }
        }
        resources
                .eventBus()
                .get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> ((ClusterTopologyChangedEvent) event)
                        .after().stream()
                                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
                                .forEach(node -> connection.getConnectionAsync(
                                        node.getUri().getHost(), node.getUri().getPort())));
    }

    /**
     * As {@link #connectToEveryMaster} for the pub/sub connection: a sharded {@code SSUBSCRIBE} goes to the node
     * that owns the channel's slot, on a node connection Lettuce would otherwise open at the first such command
     * and refuse it while opening.
     */
    private static void connectPubSubToEveryMaster(
            StatefulRedisClusterPubSubConnection<String, String> pubSub, ClientResources resources) {
        for (RedisClusterNode node : pubSub.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                pubSub.getConnection(node.getUri().getHost(), node.getUri().getPort());
            }
        }
        resources
                .eventBus()
                .get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> ((ClusterTopologyChangedEvent) event)
                        .after().stream()
                                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
                                .forEach(node -> pubSub.getConnectionAsync(
                                        node.getUri().getHost(), node.getUri().getPort())));
    }

    /**
     * @param uri a Redis URI
     * @return the URI without its password, for logs
     */
    public static String redact(RedisURI uri) {
        // Lettuce's toString() leaves credentials out (toURI() would include them).
        return uri.toString();
    }

    /** @return synchronous commands on the shared connection */
    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /**
     * Wraps the synchronous commands (the gateway traces them); call before handing the connections to anyone.
     *
     * @param decorator returns the commands to use in place of the ones given
     */
    public void decorateCommands(java.util.function.UnaryOperator<RedisClusterCommands<String, String>> decorator) {
        sync = decorator.apply(sync);
    }

    /** @return asynchronous commands on the shared connection (for use inside listeners) */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** @return the dedicated pub/sub connection */
    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
    }

    /** @return whether this is a Redis Cluster (where pub/sub is sharded by slot) */
    public boolean isCluster() {
        return pubSub instanceof StatefulRedisClusterPubSubConnection;
    }

    /** @return how long one command may take */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * Waits for a command sent through {@link #async()} (pipelined with others) as {@link #sync()} would: within
     * {@link #commandTimeout()}, failing with the exceptions the synchronous API throws.
     *
     * @param future  the command's answer
     * @param command what it is, for the timeout's message
     * @return the answer
     */
    public <T> T await(java.util.concurrent.Future<T> future, String command) {
        try {
            return future.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RedisException r ? r : new RedisException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.lettuce.core.RedisCommandTimeoutException(command + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException(e);
        }
    }

    /** @return whether the command connection is up now (no round trip) */
    public boolean isConnected() {
        return connection.isOpen();
    }

    /** @return the URL without credentials */
    public String displayUrl() {
        return displayUrl;
    }

    /**
     * Runs a Redis call, turning client failures into {@link StoreUnavailableException}.
     *
     * @param what  what is being done, for the error
     * @param call  the call
     * @param <T>   result type
     * @return the call's result
     */
    public static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (RedisException e) {
            if (StoreFullException.isOutOfMemory(e)) {
                throw new StoreFullException(
                        "Redis is full (maxmemory) and refused to " + what + ": " + e.getMessage(), e);
            }
            throw new StoreUnavailableException("Redis unavailable while trying to " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
