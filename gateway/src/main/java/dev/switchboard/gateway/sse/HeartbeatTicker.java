package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.net.OnDemandTicks;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One thread that asks every stream for a heartbeat when its interval has passed, so that no stream owns a
 * timer. Streams keep their own phase (first heartbeat one interval after they open), which spreads the
 * writes of many connections over the interval instead of bursting them. A writer that runs its own loop (the
 * stream listener's event loop) times its streams itself with {@link #takeDue} on each {@link #tickNanos()}, so
 * that a heartbeat costs no hand-over between threads; the ticker skips those streams. While it times no stream its
 * thread sleeps: no tick is scheduled until the next stream is.
 */
public final class HeartbeatTicker implements AutoCloseable {
    private final ScheduledExecutorService scheduler;
    private final StreamHub hub;
    private final long intervalNanos;
    private final long tickNanos;
    /** The ticks: none is scheduled while no stream is timed here, so an idle gateway's thread sleeps. */
    private final OnDemandTicks ticks;
    /** When a stream was last scheduled: the hub lists it only after that, so the ticks go on an interval. */
    private volatile long lastScheduledNanos;

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
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.lastScheduledNanos = System.nanoTime() - intervalNanos;
        this.ticks = new OnDemandTicks(
                scheduler,
                Duration.ofMillis(tickMillis),
                () -> {
                    tick();
                    return needsTicks();
                },
                this::needsTicks);
    }

    /**
     * Starts a new stream's phase.
     *
     * @param stream a stream just admitted
     */
    public void schedule(SseStream stream) {
        long now = System.nanoTime();
        stream.nextHeartbeatNanos = now + intervalNanos;
        lastScheduledNanos = now;
        ticks.wake(Duration.ofNanos(tickNanos));
    }

    /** @return whether ticks are scheduled (they stop when no stream is left for this ticker to time) */
    boolean isTicking() {
        return ticks.isRunning();
    }

    /** @return the time between heartbeats of one stream */
    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * @param stream a scheduled stream
     * @return when its next heartbeat is due ({@link System#nanoTime()} scale); read by the thread that times it
     */
    public long dueNanos(SseStream stream) {
        return stream.nextHeartbeatNanos;
    }

    /** @return how often due heartbeats are looked for (a quarter of the interval, 25 ms to 1 s) */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Whether a stream's heartbeat is due, moving its phase on when it is. Called by one thread per stream:
     * this ticker, or the writer that {@link SseStream#timeHeartbeatsByWriter() times its own}.
     *
     * @param stream a scheduled stream
     * @param now    {@link System#nanoTime()}
     * @return whether a heartbeat is due now
     */
    public boolean takeDue(SseStream stream, long now) {
        if (now - stream.nextHeartbeatNanos < 0) {
            return false;
        }
        // from when it was due, not from this tick: a tick's lateness must not stretch the interval
        stream.nextHeartbeatNanos += intervalNanos;
        if (now - stream.nextHeartbeatNanos >= 0) {
            stream.nextHeartbeatNanos = now + intervalNanos;
        }
        return true;
    }

    /**
     * The writer times this stream's heartbeats from now on (with {@link #takeDue} on its own ticks); this ticker
     * stops asking for them and no longer walks it. Call before its first heartbeat is due.
     *
     * @param stream a stream just admitted to the hub
     */
    public void handOver(SseStream stream) {
        hub.timedByWriter(stream);
    }

    /**
     * Ticks go on while some stream is timed here or was scheduled within an interval: a stream is scheduled before
     * the hub lists it.
     */
    private boolean needsTicks() {
        return System.nanoTime() - lastScheduledNanos < intervalNanos
                || !hub.timedByTicker().isEmpty();
    }

    private void tick() {
        long now = System.nanoTime();
        // only the streams it times: those of an event loop are neither asked nor touched
        Collection<SseStream> timed = hub.timedByTicker();
        for (SseStream stream : timed) {
            if (stream.isClosed()) {
                // the hub drops a stream when it leaves; one that left while being admitted goes here
                timed.remove(stream);
            } else if (!stream.heartbeatsByWriter() && takeDue(stream, now)) {
                stream.requestHeartbeat();
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
