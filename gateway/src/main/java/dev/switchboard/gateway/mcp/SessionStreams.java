package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The SSE streams this replica holds for MCP sessions (standalone GET, HTTP+SSE, resumed POST streams):
 * admitted ({@link HeldMcpStreams}), their sessions counted in use while they last, and closed here when their
 * session ends.
 */
final class SessionStreams {
    private final StreamHub hub;
    private final HeldMcpStreams held;
    private final SessionsInUse inUse;
    private final PostStreamWriters writers;
    /** Resumed POST streams this replica holds, by session, to end them with it. */
    private final Map<String, Set<SseStream>> resumed = new ConcurrentHashMap<>();

    SessionStreams(StreamHub hub, HeldMcpStreams held, SessionsInUse inUse, PostStreamWriters writers) {
        this.hub = hub;
        this.held = held;
        this.inUse = inUse;
        this.writers = writers;
    }

    /**
     * Admits a stream this replica holds for a session: heartbeats as comments, and the session renewed
     * while it is open.
     *
     * @param sessionId the session
     * @param owner     its identity (streams are counted per identity)
     * @param kind      what the stream is, for the connection view
     * @param logKey    the log the stream follows
     * @param logFull   the error when the log already holds its maximum of streams here
     * @return the admitted stream; {@link #release} it
     * @throws McpException 429 when the identity holds its maximum of streams, 503 when the replica holds its
     *                      maximum of connections, or {@code logFull}
     */
    SseStream hold(String sessionId, Identity owner, String kind, String logKey, Supplier<McpException> logFull) {
        SseStream stream =
                held.admit(owner, logKey, Map.of("mcp_session", sessionId, "mcp_stream", kind), s -> {}, logFull);
        inUse.add(sessionId);
        return stream;
    }

    /**
     * Ends the other streams of a log held here: a session's standalone stream carries each of its messages, and the
     * transports spec forbids sending one message on two streams. The newest stays: a client that opens another
     * has given up on the old one (a reconnect before it saw the old connection end), and the old one's events are
     * in the log for a resume.
     *
     * @param logKey the log both follow
     * @param kept   the stream just admitted
     */
    void replaceOthers(String logKey, SseStream kept) {
        for (SseStream other : hub.of(logKey)) {
            if (other != kept) {
                other.close(CloseReason.REPLACED);
            }
        }
    }

    /**
     * Ends the session's standalone streams held here that opened before one another replica just opened
     * ({@link dev.switchboard.gateway.state.SessionSignal.Kind#STREAM_OPENED}): {@link #replaceOthers} across the
     * fleet. An older opening's signal arriving late ends nothing newer.
     *
     * @param sessionId    the session
     * @param newerId      the new stream's connection id (never ended here: its own replica gets the signal too)
     * @param openedMillis when it opened
     */
    void replaceOlder(String sessionId, String newerId, long openedMillis) {
        closeOlder(McpIds.logKey(sessionId, McpIds.STANDALONE), newerId, openedMillis);
    }

    /**
     * Makes a POST stream's resume, just admitted here, the one stream its messages go on: an older resume of it held
     * here ends, and so does the call's own answer where this replica writes it ({@link PostStreamWriters}). A client
     * that resumes a stream has given up on the connections it had for it.
     *
     * @param logKey the POST stream's log
     * @param kept   the resume
     */
    void resumedHere(String logKey, SseStream kept) {
        replaceOthers(logKey, kept);
        writers.takeOver(logKey);
    }

    /**
     * {@link #resumedHere} across the fleet, for a resume that opened on another replica (or on this one: its signal
     * comes back here too). An older resume's signal arriving late ends nothing newer.
     *
     * @param sessionId    the session
     * @param streamId     the POST stream
     * @param newerId      the resume's connection id
     * @param openedMillis when it opened
     */
    void resumedElsewhere(String sessionId, String streamId, String newerId, long openedMillis) {
        String logKey = McpIds.logKey(sessionId, streamId);
        closeOlder(logKey, newerId, openedMillis);
        // ending the answer writes to its socket, which a slow client may hold: not on the signal's thread
        Thread.startVirtualThread(() -> writers.takeOver(logKey));
    }

    private void closeOlder(String logKey, String newerId, long openedMillis) {
        for (SseStream other : hub.of(logKey)) {
            if (!other.connectionId().equals(newerId) && other.createdAt().toEpochMilli() < openedMillis) {
                other.close(CloseReason.REPLACED);
            }
        }
    }

    /** Ends what {@link #hold} admitted. */
    void release(SseStream stream, String sessionId, Identity owner, CloseReason reason) {
        inUse.remove(sessionId);
        held.release(stream, owner, reason);
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
