package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.OrphanedWorkSweep;
import dev.switchboard.gateway.state.ReplicaWork;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the HTTP+SSE requests of a replica that died before answering them ({@link ReplicaWork#LEGACY_CALLS}): the
 * request's POST landed on that replica (answered 202) while the session's stream is held by another, whose client
 * waited for an answer that would never come. Each gets the JSON-RPC error a lost Streamable HTTP call gets
 * ({@link PostStreamFollower#LOST}), appended to the session stream's log, while the session lasts. Every replica
 * sweeps every 10 s ({@link OrphanedWorkSweep}); each request is taken by one.
 */
final class LostLegacyCalls implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LostLegacyCalls.class.getName());

    private final McpSessionStore sessions;
    private final ClientEventLog events;
    private final GatewayMetrics metrics;
    private final Future<?> sweeps;

    LostLegacyCalls(
            ReplicaWork calls,
            McpSessionStore sessions,
            ClientEventLog events,
            GatewayMetrics metrics,
            PeriodicWork work) {
        this.sessions = sessions;
        this.events = events;
        this.metrics = metrics;
        this.sweeps = work.every(
                OrphanedWorkSweep.EVERY,
                "answer the HTTP+SSE requests of replicas gone",
                new OrphanedWorkSweep(calls, "HTTP+SSE request(s) answered lost", this::answer));
    }

    /**
     * @param sessionId an HTTP+SSE session
     * @param requestId a request's JSON-RPC id
     * @return the request's record id: unique while it runs (a session's requests in flight have distinct ids)
     */
    static String callId(String sessionId, JsonNode requestId) {
        // session ids hold no line feed; the id's JSON is written without one
        return sessionId + "\n" + Json.write(requestId);
    }

    /** @param item a lost request, as recorded: its error goes to the session stream's log */
    void answer(ReplicaWork.Item item) {
        try {
            int at = item.id().indexOf('\n');
            String sessionId = item.id().substring(0, at);
            if (sessions.peek(sessionId).isEmpty()) {
                // the session ended (its stream too): nobody waits for the answer
                return;
            }
            JsonNode requestId = Json.MAPPER.readTree(item.id().substring(at + 1));
            events.publish(
                    item.value(),
                    "message",
                    Json.write(JsonRpc.error(requestId, JsonRpc.GATEWAY_ERROR, PostStreamFollower.LOST)));
            metrics.mcpCallLost();
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not answer a lost HTTP+SSE request: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        sweeps.cancel(false);
    }
}
