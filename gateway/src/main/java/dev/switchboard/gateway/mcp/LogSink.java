package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relayed messages for one request of an HTTP+SSE (2024-11-05) session: appended to the session stream's log, from
 * where they reach the client's SSE connection on whichever replica holds it. The log is their only way to the
 * client, so what the store cannot take (Redis away) is kept in order and logged once it is back
 * ({@link UnloggedEvents}): the stream, which outlives the outage, then gets it.
 */
final class LogSink implements McpRelay.Sink {
    private static final Logger LOGGER = Logger.getLogger(LogSink.class.getName());

    private final ClientEventLog log;
    private final String logKey;
    private final Duration unloggedRetry;
    /** The messages the store could not take yet; null until it first fails. Guarded by this. */
    private UnloggedEvents unlogged;

    /**
     * @param log           event logs
     * @param logKey        the session stream's log
     * @param unloggedRetry how long messages the store could not take are retried after the request's last
     *                      ({@code ASYNC_DELIVERY_TIMEOUT})
     */
    LogSink(ClientEventLog log, String logKey, Duration unloggedRetry) {
        this.log = log;
        this.logKey = logKey;
        this.unloggedRetry = unloggedRetry;
    }

    @Override
    public synchronized void send(JsonNode message, boolean last) {
        append(Json.write(message));
        if (last) {
            retryUnlogged();
        }
    }

    @Override
    public synchronized void cancelled() {
        // nothing is sent for a cancelled request; what was sent before still goes
        retryUnlogged();
    }

    private void append(String data) {
        if (unlogged != null && !unlogged.isEmpty()) {
            // behind the messages the store could not take, in order, or not at all
            unlogged.add("message", data);
            unlogged.flush();
            return;
        }
        try {
            log.publish(logKey, "message", data);
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not log an HTTP+SSE message", e);
            if (unlogged == null) {
                unlogged = new UnloggedEvents(log, logKey, McpIds.streamId(), unloggedRetry);
            }
            unlogged.add("message", data);
        }
    }

    private void retryUnlogged() {
        if (unlogged != null) {
            unlogged.retryInBackground();
        }
    }
}
