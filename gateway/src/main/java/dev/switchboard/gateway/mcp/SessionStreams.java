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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The SSE streams this replica holds for MCP sessions (standalone GET, HTTP+SSE, resumed POST streams):
 * admitted to the hub within the identity's quota, heartbeated, listed in the fleet's connection view, their
 * sessions counted in use while they last, and closed here when their session ends.
 */
final class SessionStreams {
    /** An MCP stream's heartbeat: the same comment for every stream, encoded once (written, never modified). */
    private static final byte[] KEEP_ALIVE = SseEncoder.comment("keep-alive");

    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    private final IdentityStreams identityStreams;
    private final StateStore state;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Clock clock;
    private final SessionsInUse inUse;
    /** Resumed POST streams this replica holds, by session, to end them with it. */
    private final Map<String, Set<SseStream>> resumed = new ConcurrentHashMap<>();

    SessionStreams(
            StreamHub hub,
            HeartbeatTicker ticker,
            IdentityStreams identityStreams,
            StateStore state,
            GatewayMetrics metrics,
            GatewayConfig config,
            Clock clock,
            SessionsInUse inUse) {
        this.hub = hub;
        this.ticker = ticker;
        this.identityStreams = identityStreams;
        this.state = state;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.inUse = inUse;
    }

    /**
     * Admits a stream this replica holds for a session: heartbeats as comments, and the session renewed
     * while it is open.
     *
     * @param sessionId the session
     * @param owner     its identity (streams are counted per identity)
     * @param kind      what the stream is, for the connection view
     * @param logKey    the log the stream follows
     * @param refusal   the error when the hub refuses the stream
     * @return the admitted stream; {@link #release} it
     * @throws McpException 429 when the identity holds its maximum of streams, or the refusal
     */
    SseStream hold(String sessionId, Identity owner, String kind, String logKey, Supplier<McpException> refusal) {
        if (!identityStreams.acquire(owner)) {
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new McpException(
                    Status.TOO_MANY_REQUESTS_429,
                    JsonRpc.GATEWAY_ERROR,
                    "this identity already holds " + identityStreams.max()
                            + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        SseStream stream = new SseStream(
                RandomIds.next(),
                logKey,
                null,
                Map.of("mcp_session", sessionId, "mcp_stream", kind),
                clock.instant(),
                config.replicaId(),
                config.limits().streamQueueDepth(),
                s -> KEEP_ALIVE);
        ticker.schedule(stream);
        StreamHub.Admission admission;
        try {
            admission = hub.admit(stream);
        } catch (RuntimeException e) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw e;
        }
        if (admission != StreamHub.Admission.ADMITTED) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw refusal.get();
        }
        inUse.add(sessionId);
        try {
            // the fleet view (/admin/connections, /admin/sessions) shows which replica holds it
            state.connections().register(stream.info());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
        return stream;
    }

    /** Ends what {@link #hold} admitted. */
    void release(SseStream stream, String sessionId, Identity owner, CloseReason reason) {
        identityStreams.release(owner);
        inUse.remove(sessionId);
        stream.close(reason);
        hub.remove(stream);
        try {
            state.connections().unregister(stream.connectionId());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
    }

    /** @param stream a resumed POST stream of the session, now followed here */
    void resumed(String sessionId, SseStream stream) {
        resumed.compute(sessionId, (id, set) -> {
            Set<SseStream> streams = set != null ? set : ConcurrentHashMap.newKeySet();
            streams.add(stream);
            return streams;
        });
    }

    /** @param stream a resumed POST stream of the session that ended */
    void resumeEnded(String sessionId, SseStream stream) {
        resumed.computeIfPresent(sessionId, (id, set) -> {
            set.remove(stream);
            return set.isEmpty() ? null : set;
        });
    }

    /** Closes the session's standalone and resumed streams held here (the session ended). */
    void closeAll(String sessionId) {
        for (SseStream s : hub.of(McpIds.logKey(sessionId, McpIds.STANDALONE))) {
            s.close(CloseReason.SHUTDOWN);
        }
        resumed.getOrDefault(sessionId, Set.of()).forEach(s -> s.close(CloseReason.SHUTDOWN));
    }
}
