package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Subscriptions to logs' announcement channels ({@link RedisKeys#announcements}) on the dedicated pub/sub
 * connection: plain channels ({@code SUBSCRIBE}) on a standalone Redis or through Sentinel, sharded channels
 * ({@code SSUBSCRIBE}, sent by Lettuce to the node that owns the channel's slot) on a Cluster, where a plain
 * {@code PUBLISH} would be broadcast to every node. Commands are dispatched without waiting (they are sent
 * under a lock, and from the connection's own thread); a command Lettuce refuses is a failed future.
 */
final class AnnouncementChannels implements LogSubscriptions.Channels {
    private final RedisConnections redis;
    private final boolean sharded;

    /**
     * @param redis   the connections whose pub/sub connection subscribes
     * @param sharded whether channels are sharded (a Cluster)
     */
    AnnouncementChannels(RedisConnections redis, boolean sharded) {
        this.redis = redis;
        this.sharded = sharded;
    }

    @Override
    public String channel(String logKey) {
        return RedisKeys.announcements(logKey);
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return dispatch(() -> sharded
                ? redis.pubSub().async().ssubscribe(channel).toCompletableFuture()
                : redis.pubSub().async().subscribe(channel).toCompletableFuture());
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return dispatch(() -> sharded
                ? redis.pubSub().async().sunsubscribe(channel).toCompletableFuture()
                : redis.pubSub().async().unsubscribe(channel).toCompletableFuture());
    }

    private static CompletableFuture<Void> dispatch(Supplier<CompletableFuture<Void>> command) {
        try {
            return command.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
