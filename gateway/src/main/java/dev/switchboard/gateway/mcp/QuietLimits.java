package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEvent;
import java.io.IOException;
import java.time.Duration;

/**
 * How long a running call's stream log may go without an append. A call appends at least once per round of its work
 * (its answer, its timeout's error, its requests for the client's input), so a log quiet for longer belongs to a call
 * that died with its replica. Counted generously: a resume that takes a slow call for a lost one answers it with an
 * error, and its client may send the request again while the first still runs.
 *
 * @param firstAppend   before the log's first event, which a call that goes on with its stream open appends as it
 *                      opens; a log of a gateway before 2026-12, which did not, gets its first event within the first
 *                      round's call; an empty log is otherwise one that expired, so this is kept short: a timeout and
 *                      a heartbeat interval
 * @param running       after anything but a request for the client's input: a round's call to the function and,
 *                      when the function lost its session, the session's re-initialization and the call again (two
 *                      timeouts), plus a heartbeat interval
 * @param awaitingInput after a request for the client's input: the wait for its answers ({@code MCP_INPUT_TIMEOUT})
 *                      before the next round's call
 */
record QuietLimits(Duration firstAppend, Duration running, Duration awaitingInput) {
    /**
     * @param functionTimeout the function's {@code timeout}
     * @param inputTimeout    {@code MCP_INPUT_TIMEOUT}
     * @param heartbeat       {@code HEARTBEAT_INTERVAL}
     * @return the limits of a call to that function
     */
    static QuietLimits of(Duration functionTimeout, Duration inputTimeout, Duration heartbeat) {
        Duration running = functionTimeout.multipliedBy(2).plus(heartbeat);
        return new QuietLimits(functionTimeout.plus(heartbeat), running, running.plus(inputTimeout));
    }

    /**
     * @param last the log's last event, or null for none
     * @return how long the log may stay quiet after it while the call runs
     */
    Duration after(ClientEvent last) {
        return last != null && isRequest(last.data()) ? awaitingInput : running;
    }

    /** A message that asks the client for something (it has a method and an id); the log's events are small. */
    private static boolean isRequest(String data) {
        if (data.isEmpty() || !data.contains("\"method\"")) {
            return false;
        }
        try {
            return JsonRpc.isRequest(Json.MAPPER.readTree(data));
        } catch (IOException e) {
            return false;
        }
    }
}
