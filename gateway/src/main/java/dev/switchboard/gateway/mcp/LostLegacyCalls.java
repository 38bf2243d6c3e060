package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.McpSessionStore;
import dev.switchboard.gateway.state.OrphanedWorkSweep;
import dev.switchboard.gateway.state.ReplicaWork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the HTTP+SSE requests of a replica that died before answering them ({@link ReplicaWork#LEGACY_CALLS}): the
 * request's POST landed on that replica (answered 202) while the session's stream is held by another, whose client
 * waited for an answer that would never come. Each gets the JSON-RPC error a lost Streamable HTTP call gets
 * ({@link PostStreamFollower#LOST}), appended to the session stream's log, while the session lasts. Every replica
 * sweeps every 10 s ({@link OrphanedWorkSweep}); each request is taken by one.
 *
 * <p>The error is stored under the delivery token the request's own answer goes under ({@link LogSink}), recorded
 * with the request: of the answer and the error, whichever reaches the log first is the one the client gets. So an
 * answer logged just before its replica died is not followed by the error, and the late answer of a replica taken
 * for dead (cut off from Redis for longer than the fleet waits) is not logged behind the error, while the token
 * lasts ({@code ASYNC_DELIVERY_TIMEOUT} and a minute).
 */
final class LostLegacyCalls implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(LostLegacyCalls.class.getName());

    private final McpSessionStore sessions;
    private final ClientEventLog events;
    private final GatewayMetrics metrics;
    private final Duration tokenLife;
    private final Future<?> sweeps;

    /**
     * @param calls         the fleet's recorded HTTP+SSE requests
     * @param sessions      the MCP sessions: a request of an ended one is not answered
     * @param events        the session streams' logs
     * @param metrics       counts what is answered
     * @param unloggedRetry how long a request's answer is retried when the store cannot take it
     *                      ({@code ASYNC_DELIVERY_TIMEOUT}): its token lasts that and a minute
     * @param work          the gateway's clock
     */
    LostLegacyCalls(
            ReplicaWork calls,
            McpSessionStore sessions,
            ClientEventLog events,
            GatewayMetrics metrics,
            Duration unloggedRetry,
            PeriodicWork work) {
        this.sessions = sessions;
        this.events = events;
        this.metrics = metrics;
        this.tokenLife = UnloggedEvents.tokenLife(unloggedRetry);
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

    /**
     * @return a new delivery token for a request's answer: one per request, not per JSON-RPC id, which a client may
     *     use again once answered; {@code '#'} is in no publisher's id
     */
    static String answerToken() {
        return "#sse:" + RandomIds.next();
    }

    /**
     * What the fleet's record of a request holds: where its answer goes, and under which token.
     *
     * @param logKey      the session stream's log
     * @param answerToken the token the answer goes under; null in a record of an earlier version, which had none
     */
    record Recorded(String logKey, String answerToken) {
        /** @return the record's text (log keys and tokens hold no line feed) */
        String encode() {
            return logKey + "\n" + answerToken;
        }

        /** @param text a record's text, of this version or an earlier one (the log key alone) */
        static Recorded decode(String text) {
            int split = text.indexOf('\n');
            return split < 0
                    ? new Recorded(text, null)
                    : new Recorded(text.substring(0, split), text.substring(split + 1));
        }
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
            String error = Json.write(JsonRpc.error(requestId, JsonRpc.GATEWAY_ERROR, PostStreamFollower.LOST));
            if (logged(Recorded.decode(item.value()), error)) {
                metrics.mcpCallLost();
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not answer a lost HTTP+SSE request: " + e.getMessage());
        }
    }

    /** @return false when the replica logged the request's answer before it died: that is the client's answer */
    private boolean logged(Recorded call, String error) {
        if (call.answerToken() == null) {
            // recorded by a replica of an earlier version: no token to share with the answer
            events.publish(call.logKey(), "message", error);
            return true;
        }
        return !events.publishAll(
                        call.logKey(),
                        List.of(ClientEventLog.Pending.delivery("message", error, call.answerToken(), tokenLife)))
                .getFirst()
                .duplicate();
    }

    @Override
    public void close() {
        sweeps.cancel(false);
    }
}
