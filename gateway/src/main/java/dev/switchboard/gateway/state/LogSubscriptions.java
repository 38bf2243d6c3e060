package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.switchboard.registry.StoreUnavailableException;

/**
 * Routed fan-out's bookkeeping: which logs this replica receives announcements for, counted by follower (a
 * stream, a waiting mailbox). The first follower of a log subscribes to its announcements, the last to leave
 * unsubscribes. Counting and the commands it sends happen under the map's lock for that log, so a follower
 * arriving while the last one leaves sends its SUBSCRIBE after that UNSUBSCRIBE, on the same connection, and
 * waits for its own confirmation.
 */
public final class LogSubscriptions {
    /** The commands that route a log's announcements to this replica; they dispatch and must not block. */
    public interface Channels {
        /**
         * @param logKey a log
         * @return completes when announcements of the log reach this replica, or fails (never throws)
         */
        CompletableFuture<Void> subscribe(String logKey);

        /**
         * @param logKey a log no follower here needs
         * @return completes when the unsubscription is confirmed, or fails (never throws)
         */
        CompletableFuture<Void> unsubscribe(String logKey);
    }

    private final Channels channels;
    private final Duration timeout;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Logs whose UNSUBSCRIBE failed (connection lost): unsubscribed again once it is back, unless followed. */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();

    /**
     * @param channels the subscription commands
     * @param timeout  longest wait for a subscription's confirmation
     */
    public LogSubscriptions(Channels channels, Duration timeout) {
        this.channels = channels;
        this.timeout = timeout;
    }

    /** Followers of one log and its subscription's confirmation; guarded by the map's lock for the log. */
    private static final class Entry {
        private int followers;
        private volatile CompletableFuture<Void> live;
    }

    /**
     * Counts a follower in and returns once announcements of the log reach this replica: what is appended to
     * the log from then on is announced here, so a follower that reads the log after this misses nothing.
     *
     * @param logKey a log
     * @throws StoreUnavailableException when the subscription cannot be confirmed (the follower is not counted)
     */
    public void follow(String logKey) {
        Entry entry = entries.compute(logKey, (key, e) -> {
            Entry held = e != null ? e : new Entry();
            if (held.followers++ == 0 || held.live.isCompletedExceptionally()) {
                stale.remove(key);
                held.live = channels.subscribe(key);
            }
            return held;
        });
        try {
            entry.live.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            unfollow(logKey);
            throw new StoreUnavailableException("Redis unavailable while trying to subscribe to a log's events: "
                                                        + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unfollow(logKey);
            throw new StoreUnavailableException("interrupted while subscribing to a log's events", e);
        }
    }

    /** @param logKey a log a follower stopped following (once per {@link #follow} that returned) */
    public void unfollow(String logKey) {
        entries.computeIfPresent(logKey, (key, e) -> {
            if (--e.followers > 0) {
                return e;
            }
            channels.unsubscribe(key).whenComplete((ok, failed) -> {
                if (failed != null) {
                    stale.add(key);
                }
            });
            return null;
        });
    }

    /**
     * @param logKey a log
     * @return whether a follower here follows it
     */
    public boolean isFollowed(String logKey) {
        return entries.containsKey(logKey);
    }

    /** @return the number of logs followed here, one subscription each */
    public int count() {
        return entries.size();
    }

    /** @return the logs followed here */
    public Set<String> followed() {
        return Set.copyOf(entries.keySet());
    }

    /**
     * After the subscription connection was re-made: subscribes every followed log again (Redis forgot them
     * with the connection; SUBSCRIBE is idempotent where it did not) and drops those left over.
     *
     * @return completes when every followed log's subscription is confirmed again
     */
    public CompletableFuture<Void> resubscribe() {
        for (String key : List.copyOf(stale)) {
            entries.compute(key, (k, e) -> {
                if (e == null && stale.remove(k)) {
                    channels.unsubscribe(k).whenComplete((ok, failed) -> {
                        if (failed != null) {
                            stale.add(k);
                        }
                    });
                }
                return e;
            });
        }
        CompletableFuture<?>[] all = entries.keySet().stream().map(key -> {
            CompletableFuture<Void>[] sent = new CompletableFuture[1];
            entries.computeIfPresent(key, (k, e) -> {
                CompletableFuture<Void> again = channels.subscribe(k);
                if (e.live.isCompletedExceptionally()) {
                    e.live = again;
                }
                sent[0] = again;
                return e;
            });
            return sent[0];
        }).filter(java.util.Objects::nonNull).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }
}
