package dev.switchboard.gateway;

import dev.switchboard.gateway.mcp.McpService;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.trace.GatewayTracing;
import dev.switchboard.registry.RedisKeys;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.util.logging.Logger;

/**
 * What the store announces to this replica, taken to whatever follows it here: each append to the streams and MCP
 * waits that follow its log, and, after the fan-out connection was lost for a while, what each such stream
 * missed meanwhile.
 */
final class AnnouncedEvents {
    private static final Logger LOGGER = Logger.getLogger(AnnouncedEvents.class.getName());

    private final ClientEventLog events;
    private final StreamHub hub;
    private final McpService mcp;
    private final GatewayMetrics metrics;
    private final GatewayTracing tracing;
    private final String replicaId;
    /** Events read at most per stream and log in a catch-up (the log's own bound). */
    private final int maxCatchUp;

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
        // a child of the publication when the event carries its trace (see RedisStateStore's announcements)
        Span span = tracing.child("fan-out " + event.type(), SpanKind.CONSUMER);
        try (Scope ignored = GatewayTracing.activate(span)) {
            boolean followed = hub.deliver(log, event);
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
     * follows it reads what it missed, from its position in that log. The writer drops ids it has already
     * written, so overlap with live delivery is harmless.
     */
    private void catchUp(String log) {
        int caughtUp = 0;
        for (SseStream stream : hub.following(log)) {
            String after = stream.positions().get(log);
            // an MCP stream primed with id 0 has no position in its log yet: nothing to catch up to
            boolean unpositioned =
                    after == null || (after.equals(EventIds.ZERO) && log.startsWith(RedisKeys.MCP_LOG_PREFIX));
            if (stream.isClosed() || unpositioned) {
                continue;
            }
            try {
                for (ClientEvent event : events.readAfter(log, after, maxCatchUp)) {
                    stream.offer(log, event);
                    caughtUp++;
                }
            } catch (RuntimeException e) {
                metrics.redisError();
            }
        }
        if (caughtUp > 0) {
            int delivered = caughtUp;
            LOGGER.fine(() -> "streams caught up " + delivered + " events missed while the fan-out was away");
        }
    }
}
