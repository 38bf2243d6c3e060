package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import java.time.Duration;

/**
 * Relayed messages for one request of an HTTP+SSE (2024-11-05) session: appended to the session stream's log, from
 * where they reach the client's SSE connection on whichever replica holds it. The log is their only way to the
 * client, so what the store cannot take (Redis away) is kept in order and logged once it is back
 * ({@link StreamLogAppender}): the stream, which outlives the outage, then gets it.
 */
final class LogSink implements McpRelay.Sink {
    /** The session stream's log; guarded by this. */
    private final StreamLogAppender log;
    /** The delivery token of the request's answer, shared with the fleet's record of it; null when unrecorded. */
    private final String answerToken;

    private final Duration tokenLife;

    /**
     * @param log           event logs
     * @param logKey        the session stream's log
     * @param answerToken   the token the request's answer is stored once under, as the fleet's record of the request
     *                      says ({@link LostLegacyCalls}); null when the request was not recorded
     * @param unloggedRetry how long messages the store could not take are retried after the request's last
     *                      ({@code ASYNC_DELIVERY_TIMEOUT})
     */
    LogSink(ClientEventLog log, String logKey, String answerToken, Duration unloggedRetry) {
        this.log = new StreamLogAppender(log, logKey, null, unloggedRetry);
        this.answerToken = answerToken;
        this.tokenLife = UnloggedEvents.tokenLife(unloggedRetry);
    }

    @Override
    public synchronized void send(JsonNode message, boolean last) {
        if (last && answerToken != null) {
            // under the token the fleet answers a lost request with: the client gets one answer, this or the error
            log.appendOnce(ClientEventLog.Pending.delivery("message", Json.write(message), answerToken, tokenLife));
        } else {
            log.append("message", Json.write(message), null);
        }
        if (last) {
            log.retryInBackground();
        }
    }

    @Override
    public synchronized void cancelled() {
        // nothing is sent for a cancelled request; what was sent before still goes
        log.retryInBackground();
    }
}
