package dev.switchboard.gateway.mcp;

/**
 * The log of a POST's SSE stream (Streamable HTTP), kept so that the stream can be resumed on any replica:
 * every event is appended before it is written, and the log also records how the stream began and ended.
 * Only the event types {@link #MESSAGE} and {@link #RESPONSE} are ever written to a client; the others are
 * markers for a resuming GET.
 */
final class PostStreamLog {
    /** The priming event (SEP-1699): the stream exists and may be resumed from its first byte. */
    static final String PRIME = "prime";
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
}
