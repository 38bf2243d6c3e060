package dev.switchboard.gateway.state;

import java.util.concurrent.CompletableFuture;

import dev.switchboard.registry.RedisConnections;
import dev.switchboard.registry.RedisKeys;

/**
 * Subscriptions to logs' announcement channels ({@link RedisKeys#announcements}) on the dedicated pub/sub
 * connection. Commands are dispatched without waiting (they may be sent under a lock, and never from the
 * connection's own thread a reply would need); a command Lettuce refuses (connection away) is a failed future.
 */
final class AnnouncementChannels implements LogSubscriptions.Channels {
    private final RedisConnections redis;

    /** @param redis the connections whose pub/sub connection subscribes */
    AnnouncementChannels(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public CompletableFuture<Void> subscribe(String logKey) {
        try {
            return redis.pubSub().async().subscribe(RedisKeys.announcements(logKey)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String logKey) {
        try {
            return redis.pubSub().async().unsubscribe(RedisKeys.announcements(logKey)).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
