package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.StateStore;
import io.helidon.http.Status;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one lifecycle of every SSE stream this replica holds for MCP clients (a session's standalone, HTTP+SSE or
 * resumed stream, a 2026-07-28 listen stream): the owner's quota ({@code MAX_STREAMS_PER_IDENTITY}), heartbeats as
 * comments, the hub's admission, the fleet's connection view; and, when it ends, all of them let go in one place.
 */
final class HeldMcpStreams {
    /** An MCP stream's heartbeat: the same comment for every stream, encoded once (written, never modified). */
    private static final byte[] KEEP_ALIVE = SseEncoder.comment("keep-alive");

    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    private final IdentityStreams identityStreams;
    private final StateStore state;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final String replicaId;
    private final int queueDepth;
    /** {@code MAX_CONNECTIONS}, named in the refusal of a stream beyond it. */
    private final int maxConnections;

    HeldMcpStreams(
            StreamHub hub,
            HeartbeatTicker ticker,
            IdentityStreams identityStreams,
            StateStore state,
            GatewayMetrics metrics,
            GatewayConfig config,
            Clock clock) {
        this.hub = hub;
        this.ticker = ticker;
        this.identityStreams = identityStreams;
        this.state = state;
        this.metrics = metrics;
        this.clock = clock;
        this.replicaId = config.replicaId();
        this.queueDepth = config.limits().streamQueueDepth();
        this.maxConnections = config.limits().maxConnections();
    }

    /** @return a 429 refusal of a stream whose log already holds its maximum of streams, saying what the log is */
    static Supplier<McpException> logFull(String message) {
        return () -> new McpException(Status.TOO_MANY_REQUESTS_429, JsonRpc.GATEWAY_ERROR, message);
    }

    /** @return the refusal of a stream because this replica holds {@code MAX_CONNECTIONS} */
    private McpException replicaFull() {
        return new McpException(
                Status.SERVICE_UNAVAILABLE_503,
                JsonRpc.GATEWAY_ERROR,
                "this replica holds its maximum of " + maxConnections
                        + " connections (MAX_CONNECTIONS); retry on another replica");
    }

    /**
     * @param owner   the identity the stream counts against
     * @param logKey  the log it follows
     * @param labels  what the connection view shows of it
     * @param prepare runs before the hub admits it (where it starts in its log, how it encodes); a failure lets it go
     * @param logFull the error when the log already holds its maximum of streams here
     *                ({@code MAX_CONNECTIONS_PER_CLIENT}); the caller knows what the log is to its client
     * @return the admitted stream; {@link #release} it
     * @throws McpException 429 when the owner holds its maximum of streams, 503 when this replica holds
     *                      {@code MAX_CONNECTIONS}, or {@code logFull}
     */
    SseStream admit(
            Identity owner,
            String logKey,
            Map<String, String> labels,
            Consumer<SseStream> prepare,
            Supplier<McpException> logFull) {
        if (!identityStreams.acquire(owner)) {
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new McpException(
                    Status.TOO_MANY_REQUESTS_429,
                    JsonRpc.GATEWAY_ERROR,
                    "this identity already holds " + identityStreams.max()
                            + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        SseStream stream = new SseStream(
                RandomIds.next(), logKey, null, labels, clock.instant(), replicaId, queueDepth, s -> KEEP_ALIVE);
        StreamHub.Admission admission;
        try {
            prepare.accept(stream);
            ticker.schedule(stream);
            admission = hub.admit(stream);
        } catch (RuntimeException e) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw e;
        }
        if (admission != StreamHub.Admission.ADMITTED) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw admission == StreamHub.Admission.REPLICA_LIMIT ? replicaFull() : logFull.get();
        }
        metrics.connectionOpened();
        try {
            // the fleet view (/admin/connections, /admin/sessions) shows which replica holds it
            state.connections().register(stream.info());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
        return stream;
    }

    /** Ends what {@link #admit} admitted. */
    void release(SseStream stream, Identity owner, CloseReason reason) {
        identityStreams.release(owner);
        stream.close(reason);
        hub.remove(stream);
        // counted by why it closed first (replaced, too slow), not by how its holder let it go
        metrics.connectionClosed(stream.closeReason());
        try {
            state.connections().unregister(stream.connectionId());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
    }
}
