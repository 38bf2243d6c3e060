package dev.switchboard.gateway.sse;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One thread that asks every stream for a heartbeat when its interval has passed, so that no stream owns a
 * timer. Streams keep their own phase (first heartbeat one interval after they open), which spreads the
 * writes of many connections over the interval instead of bursting them.
 */
public final class HeartbeatTicker implements AutoCloseable {
    private final ScheduledExecutorService scheduler;
    private final StreamHub hub;
    private final long intervalNanos;

    /**
     * @param hub      the streams
     * @param interval time between heartbeats of one stream
     */
    public HeartbeatTicker(StreamHub hub, Duration interval) {
        this.hub = hub;
        this.intervalNanos = interval.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-heartbeats");
            t.setDaemon(true);
            return t;
        });
        long tickMillis = Math.max(25, Math.min(1000, interval.toMillis() / 4));
        scheduler.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a new stream's phase.
     *
     * @param stream a stream just admitted
     */
    public void schedule(SseStream stream) {
        stream.nextHeartbeatNanos = System.nanoTime() + intervalNanos;
    }

    private void tick() {
        long now = System.nanoTime();
        for (SseStream stream : hub.all()) {
            if (now - stream.nextHeartbeatNanos >= 0) {
                // from when it was due, not from this tick: a tick's lateness must not stretch the interval
                stream.nextHeartbeatNanos += intervalNanos;
                if (now - stream.nextHeartbeatNanos >= 0) {
                    stream.nextHeartbeatNanos = now + intervalNanos;
                }
                stream.requestHeartbeat();
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
