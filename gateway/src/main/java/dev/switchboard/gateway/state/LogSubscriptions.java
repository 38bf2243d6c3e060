package dev.switchboard.gateway.state;

import dev.switchboard.registry.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Routed fan-out's bookkeeping: which logs this replica receives announcements for, counted by follower (a
 * stream, a waiting mailbox). The first follower of a log subscribes to its announcement channel, the last to
 * leave unsubscribes. Counting and the commands it sends happen under the map's lock for that channel, so a
 * follower arriving while the last one leaves sends its SUBSCRIBE after that UNSUBSCRIBE, on the same
 * connection, and waits for its own confirmation.
 */
public final class LogSubscriptions {
    /** The commands that route a log's announcements to this replica; they dispatch and must not block. */
    public interface Channels {
        /**
         * @param logKey a log
         * @return the channel its appends are announced on
         */
        String channel(String logKey);

        /**
         * @param channel an announcement channel
         * @return completes when the subscription is confirmed, or fails (never throws)
         */
        CompletableFuture<Void> subscribe(String channel);

        /**
         * @param channel an announcement channel no follower here needs
         * @return completes when the unsubscription is confirmed, or fails (never throws)
         */
        CompletableFuture<Void> unsubscribe(String channel);
    }

    private final Channels channels;
    private final Duration timeout;
    /** By announcement channel. */
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param channels the subscription commands
     * @param timeout  longest wait for a subscription's confirmation
     */
    public LogSubscriptions(Channels channels, Duration timeout) {
        this.channels = channels;
        this.timeout = timeout;
    }

    /** Followers of one log and its subscription; guarded by the map's lock for the channel. */
    private static final class Entry {
        private final String logKey;
        private int followers;
        private volatile CompletableFuture<Void> live;
        /** The next confirmation answers the SUBSCRIBE its first follower sent (not a re-subscription). */
        private volatile boolean fresh;

        private Entry(String logKey) {
            this.logKey = logKey;
        }
    }

    /**
     * Counts a follower in and returns once announcements of the log reach this replica: what is appended to
     * the log from then on is announced here, so a follower that reads the log after this misses nothing.
     *
     * @param logKey a log
     * @throws StoreUnavailableException when the subscription cannot be confirmed (the follower is not counted)
     */
    public void follow(String logKey) {
        String channel = channels.channel(logKey);
        Entry entry = entries.compute(channel, (key, e) -> {
            Entry held = e != null ? e : new Entry(logKey);
            if (held.followers++ == 0 || held.live.isCompletedExceptionally()) {
                held.fresh = true;
                held.live = channels.subscribe(key);
            }
            return held;
        });
        try {
            entry.live.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            unfollow(logKey);
            throw new StoreUnavailableException(
                    "Redis unavailable while trying to subscribe to a log's events: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unfollow(logKey);
            throw new StoreUnavailableException("interrupted while subscribing to a log's events", e);
        }
    }

    /** @param logKey a log a follower stopped following (once per {@link #follow} that returned) */
    public void unfollow(String logKey) {
        entries.computeIfPresent(channels.channel(logKey), (key, e) -> {
            if (--e.followers > 0) {
                return e;
            }
            channels.unsubscribe(key);
            return null;
        });
    }

    /**
     * Redis confirmed a subscription to a channel. A confirmation that does not answer a first follower's
     * SUBSCRIBE is a re-subscription after the connection (or a Cluster node's) was re-made: the followers of
     * the log may have missed announcements meanwhile. A channel no longer followed (its UNSUBSCRIBE was lost
     * with the connection, and the client re-subscribed it) is unsubscribed again.
     *
     * @param channel the confirmed channel
     * @return the log to catch up from, if any
     */
    public Optional<String> confirmed(String channel) {
        String[] resubscribed = new String[1];
        entries.compute(channel, (key, e) -> {
            if (e == null) {
                channels.unsubscribe(key);
            } else if (e.fresh) {
                e.fresh = false;
            } else {
                resubscribed[0] = e.logKey;
            }
            return e;
        });
        return Optional.ofNullable(resubscribed[0]);
    }

    /**
     * Redis dropped a subscription by itself: on a Cluster, a slot that moved to another node ends the
     * subscriptions of its shard channels with an unsolicited {@code SUNSUBSCRIBE} (Lettuce does not subscribe
     * them again). A channel still followed is subscribed again, and its confirmation, not being a first
     * follower's, has the log's streams catch up. The confirmation of an UNSUBSCRIBE sent here also lands here,
     * and finds the channel not followed (or followed anew, where one more SUBSCRIBE is harmless).
     *
     * @param channel the channel Redis no longer announces here
     * @return the SUBSCRIBE sent again, or empty when the channel is not followed
     */
    public Optional<CompletableFuture<Void>> dropped(String channel) {
        CompletableFuture<Void>[] sent = new CompletableFuture[1];
        entries.computeIfPresent(channel, (key, e) -> {
            sent[0] = channels.subscribe(key);
            if (e.live.isCompletedExceptionally()) {
                e.live = sent[0];
            }
            return e;
        });
        return Optional.ofNullable(sent[0]);
    }

    /**
     * @param logKey a log
     * @return whether a follower here follows it
     */
    public boolean isFollowed(String logKey) {
        return entries.containsKey(channels.channel(logKey));
    }

    /** @return the number of logs followed here, one subscription each */
    public int count() {
        return entries.size();
    }

    /**
     * After the subscription connection was re-made: subscribes every followed log again (Redis forgot them
     * with the connection, and a client may not re-subscribe every kind of channel by itself; SUBSCRIBE is
     * idempotent where it did). Each confirmation then reports through {@link #confirmed}.
     */
    public void resubscribe() {
        for (String channel : List.copyOf(entries.keySet())) {
            entries.computeIfPresent(channel, (key, e) -> {
                CompletableFuture<Void> again = channels.subscribe(key);
                if (e.live.isCompletedExceptionally()) {
                    e.live = again;
                }
                return e;
            });
        }
    }
}
