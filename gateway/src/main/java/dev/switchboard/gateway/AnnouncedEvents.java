package dev.switchboard.gateway;

import dev.switchboard.gateway.mcp.McpService;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.MissedEvents;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.StoreRetry;
import dev.switchboard.gateway.trace.GatewayTracing;
import dev.switchboard.registry.RedisKeys;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What the store announces to this replica, taken to whatever follows it here: each append to the streams and MCP
 * waits that follow its log, and, after the fan-out connection was lost for a while, what each such stream
 * missed meanwhile.
 */
final class AnnouncedEvents {
    private static final Logger LOGGER = Logger.getLogger(AnnouncedEvents.class.getName());
    /** How long a catch-up reads again a log the store does not answer for, before the stream ends instead. */
    private static final Duration READ_BACK_PATIENCE = Duration.ofSeconds(10);

    private final ClientEventLog events;
    private final StreamHub hub;
    private final McpService mcp;
    private final GatewayMetrics metrics;
    private final GatewayTracing tracing;
    private final String replicaId;
    /** Events read at most per stream and log in a catch-up (the log's own bound). */
    private final int maxCatchUp;
    /** Logs whose streams are catching up, with the announcements that arrived meanwhile (see {@link #catchUp}). */
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    /** A log's announcements held back while its catch-ups run; guarded by the map's lock for the log. */
    private static final class Hold {
        final List<ClientEvent> events = new ArrayList<>();
        int catchUps;
    }

    AnnouncedEvents(
            ClientEventLog events,
            StreamHub hub,
            McpService mcp,
            GatewayMetrics metrics,
            GatewayTracing tracing,
            String replicaId,
            int maxCatchUp) {
        this.events = events;
        this.hub = hub;
        this.mcp = mcp;
        this.metrics = metrics;
        this.tracing = tracing;
        this.replicaId = replicaId;
        this.maxCatchUp = maxCatchUp;
    }

    /** Starts taking the store's announcements. */
    void start() {
        events.onResubscribed(this::catchUp);
        events.subscribe(this::announced);
    }

    /** An append announced to this replica: to the streams and MCP waits that follow its log. */
    private void announced(String log, ClientEvent event) {
        if (!holds.isEmpty() && held(log, event)) {
            return;
        }
        deliver(log, event);
    }

    /** @return whether the event was held back, its log's streams catching up */
    private boolean held(String log, ClientEvent event) {
        boolean[] held = {false};
        holds.computeIfPresent(log, (key, hold) -> {
            hold.events.add(event);
            held[0] = true;
            return hold;
        });
        return held[0];
    }

    private void deliver(String log, ClientEvent event) {
        deliver(log, event, () -> hub.deliver(log, event));
    }

    /**
     * Events held back while the log's streams caught up: like what they read back, the streams take them as one run
     * each, which does not count against their queues' limits; the MCP waits take them one by one.
     */
    private void deliverHeld(String log, List<ClientEvent> batch) {
        boolean streamsFollow = hub.deliverMissed(log, batch);
        batch.forEach(event -> deliver(log, event, () -> streamsFollow));
    }

    /** @param toStreams gives the event to the log's streams here; whether any follows it */
    private void deliver(String log, ClientEvent event, java.util.function.BooleanSupplier toStreams) {
        // a child of the publication when the event carries its trace (see RedisStateStore's announcements)
        Span span = tracing.child("fan-out " + event.type(), SpanKind.CONSUMER);
        try (Scope ignored = GatewayTracing.activate(span)) {
            boolean followed = toStreams.getAsBoolean();
            followed |= mcp.deliver(log, event);
            metrics.fanout(followed);
            span.setAttribute("messaging.destination.name", log);
            span.setAttribute("switchboard.replica", replicaId);
            span.setAttribute("switchboard.followed", followed);
        } finally {
            span.end();
        }
    }

    /**
     * A log was subscribed again after the fan-out connection was lost for a while: every local stream that
     * follows it reads what it missed, from its position in that log. Called on the thread that dispatches
     * announcements, before the ones that follow the re-subscription: those are held back until the streams have
     * read what they missed, then delivered in order. A stream drops ids at or before the last it wrote, so a live
     * event written before the missed ones would have had them dropped for good; overlap between what a catch-up
     * reads and what was held is harmless.
     */
    private void catchUp(String log) {
        holds.compute(log, (key, hold) -> {
            Hold held = hold != null ? hold : new Hold();
            held.catchUps++;
            return held;
        });
        Thread.ofVirtual().name("switchboard-catch-up").start(() -> {
            try {
                readMissed(log);
            } finally {
                release(log);
            }
        });
    }

    private void readMissed(String log) {
        int caughtUp = 0;
        // one patience for the whole log: once a read back gave up, its other streams end without waiting again
        long deadline = System.nanoTime() + READ_BACK_PATIENCE.toNanos();
        boolean unreadable = false;
        // the streams of a topic mostly stand at the same position: one read, and one encoding, serves them all
        Map<String, MissedEvents> readAfter = new HashMap<>();
        for (SseStream stream : hub.following(log)) {
            String after = stream.positions().get(log);
            // an MCP stream primed with id 0 has no position in its log yet: nothing to catch up to
            boolean unpositioned =
                    after == null || (after.equals(EventIds.ZERO) && log.startsWith(RedisKeys.MCP_LOG_PREFIX));
            if (stream.isClosed() || unpositioned) {
                continue;
            }
            MissedEvents missed = unreadable ? null : readAfter.get(after);
            if (missed == null && !unreadable) {
                missed = readBack(log, after, deadline);
                if (missed != null) {
                    readAfter.put(after, missed);
                }
            }
            if (missed == null) {
                if (!unreadable) {
                    LOGGER.warning(() -> "could not read what the streams of " + log + " missed while the fan-out "
                            + "was away within " + READ_BACK_PATIENCE.toSeconds() + " s: they end, and their clients "
                            + "resume");
                }
                unreadable = true;
                // a gap the stream cannot fill here: its client's resume reads it from the log, on any replica
                stream.close(CloseReason.MISSED);
                continue;
            }
            // what the replica missed is no sign of a slow client: it does not count against the queue
            if (stream.offerMissed(missed)) {
                caughtUp += missed.size();
            }
        }
        if (caughtUp > 0) {
            int delivered = caughtUp;
            LOGGER.fine(() -> "streams caught up " + delivered + " events missed while the fan-out was away");
        }
    }

    /**
     * @return what the log holds after the position, read again while the store does not answer (its command
     *     connection may come back after the fan-out's) until the deadline ({@link System#nanoTime}); null when it
     *     never did
     */
    private MissedEvents readBack(String log, String after, long deadline) {
        List<List<ClientEvent>> read = new ArrayList<>(1);
        RuntimeException givenUp = StoreRetry.untilDeadline(
                () -> read.add(events.readAfter(log, after, maxCatchUp)), deadline, e -> metrics.redisError());
        return givenUp == null ? MissedEvents.of(log, read.getFirst()) : null;
    }

    /**
     * A catch-up of the log is done: the last one running delivers what was held, batch by batch, until nothing
     * is, and only then lets announcements through again (one that arrives meanwhile joins the batch after).
     */
    private void release(String log) {
        holds.computeIfPresent(log, (key, hold) -> {
            hold.catchUps--;
            return hold;
        });
        List<ClientEvent> batch;
        while (!(batch = takeHeld(log)).isEmpty()) {
            deliverHeld(log, batch);
        }
    }

    /**
     * @return what is held for the log, taken, once no catch-up of it runs; empty when none is held (the hold is then
     *     lifted) or when a catch-up still runs (it delivers what is held when it ends)
     */
    private List<ClientEvent> takeHeld(String log) {
        List<ClientEvent> batch = new ArrayList<>();
        holds.computeIfPresent(log, (key, hold) -> {
            if (hold.catchUps > 0) {
                return hold;
            }
            if (hold.events.isEmpty()) {
                return null;
            }
            batch.addAll(hold.events);
            hold.events.clear();
            return hold;
        });
        return batch;
    }
}
