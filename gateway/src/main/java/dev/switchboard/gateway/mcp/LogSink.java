package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;

/**
 * Relayed messages for an HTTP+SSE (2024-11-05) session: appended to the session stream's log, from where
 * they reach the client's SSE connection on whichever replica holds it.
 */
final class LogSink implements McpRelay.Sink {
    private final ClientEventLog log;
    private final String logKey;

    /**
     * @param log    event logs
     * @param logKey the session stream's log
     */
    LogSink(ClientEventLog log, String logKey) {
        this.log = log;
        this.logKey = logKey;
    }

    @Override
    public void send(JsonNode message, boolean last) {
        log.publish(logKey, "message", Json.write(message));
    }

    @Override
    public void cancelled() {
        // nothing is sent for a cancelled request
    }
}
