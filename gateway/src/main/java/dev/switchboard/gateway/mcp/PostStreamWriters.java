package dev.switchboard.gateway.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The POST streams this replica is writing (a session's calls answered as SSE), by their log, so that a resume of
 * one takes it over: the transports spec sends each message on one stream only, and a client that resumes a stream
 * has given up on the connection it came on. The call goes on and logs what it sends, which the resume reads from
 * the log; only its writes to the old connection stop.
 */
final class PostStreamWriters {
    private final Map<String, ResponseSink> writing = new ConcurrentHashMap<>();

    /** @param logKey the log of a stream whose first bytes {@code sink} just wrote */
    void opened(String logKey, ResponseSink sink) {
        writing.put(logKey, sink);
    }

    /** @param logKey the log of a stream {@code sink} no longer writes (its response, cancellation or end) */
    void over(String logKey, ResponseSink sink) {
        writing.remove(logKey, sink);
    }

    /**
     * Ends the stream of this log written here, if any: its client resumed it, here or on another replica.
     *
     * @param logKey the resumed stream's log
     */
    void takeOver(String logKey) {
        ResponseSink sink = writing.remove(logKey);
        if (sink != null) {
            sink.takenOver();
        }
    }
}
