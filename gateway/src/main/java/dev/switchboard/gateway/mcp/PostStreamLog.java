package dev.switchboard.gateway.mcp;

import java.time.Duration;

/**
 * The log of a POST's SSE stream (Streamable HTTP), kept so that the stream can be resumed on any replica:
 * every event is appended before it is written, and the log also records how the stream ended. Only the event
 * types {@link #MESSAGE} and {@link #RESPONSE} are ever written to a client; {@link #END} is a marker for a
 * resuming GET.
 *
 * <p>The priming event (SEP-1699) is not logged: its id is {@code <streamId>/0-<millis>}, the time the stream
 * opened in the sequence part of a log id that sorts before every appended one, so that a resume from it replays
 * the whole log, and a resume that finds no log yet can tell a call that has not appended anything (it follows the
 * log) from an unknown or expired stream (it ends at once). A call answered as its stream opens logs nothing more;
 * a call that goes on with its stream open logs {@link #OPENED} first, with the request's id, so that a resume that
 * finds the call gone with its replica can answer it.
 */
final class PostStreamLog {
    /**
     * The stream's opening, never written to a client: its data is the request's id as JSON. Gateways before
     * 2026-12 logged it with no data for the priming event and skip it on a resume, as this type, so a rolling
     * update meets no event it would write.
     */
    static final String OPENED = "prime";
    /** A message before the response: a notification or a server-to-client request. */
    static final String MESSAGE = "message";
    /** The response to the client's request: the stream ends after it. */
    static final String RESPONSE = "response";
    /** The request was cancelled: the stream ended without a response. */
    static final String END = "end";

    private PostStreamLog() {}

    /**
     * @param streamId the POST stream
     * @param logId    an id in its log
     * @return the SSE event id the client sees: unique in the session, and naming its stream
     */
    static String eventId(String streamId, String logId) {
        return streamId + "/" + logId;
    }

    /**
     * @param streamId a POST stream
     * @param openedAt when it opened, epoch milliseconds
     * @return its priming event's id, which no append ever takes (the log's own ids start at their time)
     */
    static String primeId(String streamId, long openedAt) {
        return eventId(streamId, "0-" + openedAt);
    }

    /**
     * How long a resume that finds no log yet may wait for the call's first append. A call that appended nothing
     * has been quiet since its stream opened, so the wait is what is left of the idle limit since the priming
     * event the resume starts at; a log that was answered and has expired ({@code MCP_STREAM_LOG_TTL}) looks the
     * same, and this bounds how long its client waits for nothing.
     *
     * @param afterId   the log id a resume starts after
     * @param now       epoch milliseconds now
     * @param idleLimit the longest a running call may go without appending
     * @return the wait; zero when the resume does not start at a priming event or the idle limit has passed
     */
    static Duration firstAppendWait(String afterId, long now, Duration idleLimit) {
        if (!afterId.startsWith("0-")) {
            return Duration.ZERO;
        }
        try {
            long openedAt = Long.parseLong(afterId, 2, afterId.length(), 10);
            if (openedAt > now + CLOCK_SKEW_MILLIS) {
                return Duration.ZERO;
            }
            long left = idleLimit.toMillis() - Math.max(0, now - openedAt);
            return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    /**
     * Replicas' clocks (and Redis's, which times the log's ids) may differ a little: a priming time this far ahead
     * of ours still counts as now, and a log's quiet time is counted this much short.
     */
    static final long CLOCK_SKEW_MILLIS = 5_000;
}
