package dev.switchboard.registry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The Lettuce connections of one process: a shared connection for ordinary commands and a dedicated one
 * for pub/sub. Commands fail at once while Redis is unreachable (no queueing that would pile up threads)
 * and time out after the configured command timeout; Lettuce reconnects and resubscribes by itself.
 */
public final class RedisConnections implements AutoCloseable {
    /** Longest pause between two reconnection attempts. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
    private final RedisClient client;
    private final ClientResources resources;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String displayUrl;

    private RedisConnections(RedisClient client,
                             ClientResources resources,
                             StatefulRedisConnection<String, String> connection,
                             StatefulRedisPubSubConnection<String, String> pubSub,
                             String displayUrl) {
        this.client = client;
        this.resources = resources;
        this.connection = connection;
        this.pubSub = pubSub;
        this.displayUrl = displayUrl;
    }

    /**
     * Connects, failing when Redis cannot be reached now.
     *
     * @param url            a Lettuce URI ({@code redis://}, {@code rediss://}, {@code redis-sentinel://})
     * @param commandTimeout how long one command may take
     * @return the connections
     * @throws StoreUnavailableException when Redis cannot be reached
     */
    public static RedisConnections connect(String url, Duration commandTimeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        // Reconnect attempts back off from 50 ms to at most 2 s, so service resumes soon after Redis does.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                                  .autoReconnect(true)
                                  .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                                  .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                                  .socketOptions(SocketOptions.builder()
                                                         .connectTimeout(commandTimeout)
                                                         .keepAlive(true)
                                                         .build())
                                  .build());
        String display = redact(uri);
        try {
            StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
            StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisConnections(client, resources, connection, pubSub, display);
        } catch (RedisException e) {
            client.shutdown();
            resources.shutdown();
            throw new StoreUnavailableException("cannot reach Redis at " + display + ": " + e.getMessage(), e);
        }
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
        return connection.sync();
    }

    /** @return asynchronous commands on the shared connection (for use inside listeners) */
    public RedisClusterAsyncCommands<String, String> async() {
        return connection.async();
    }

    /** @return the dedicated pub/sub connection */
    public StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
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
