package dev.switchboard.gateway.state;

import java.util.List;

/**
 * Which replica holds each HTTP+SSE session's stream. Such a session lives only as long as its stream (the
 * transport has no resume: a client whose stream dropped opens a new session), so when the replica holding
 * the stream dies, the session is over; without this record it would stay in the store, count against
 * {@code MAX_MCP_SESSIONS}, take the client's posts (answered into a log nobody reads) and keep a stateful
 * function's session open, for {@code SESSION_TTL}.
 */
public interface LegacyStreamHolders {
    /** A store no other replica shares: nothing outlives this replica, so nothing is recorded. */
    LegacyStreamHolders UNSHARED = new LegacyStreamHolders() {
        @Override
        public void held(Session session) {}

        @Override
        public void released(Session session) {}

        @Override
        public List<Session> takeOrphaned(int max) {
            return List.of();
        }
    };

    /**
     * An HTTP+SSE session and its server, qualified by namespace: gateways of several namespaces may share a Redis,
     * and only one of the session's own namespace knows its function.
     *
     * @param server    {@code <namespace>/<name>}
     * @param sessionId the session's id
     */
    record Session(String server, String sessionId) {}

    /** @param session an HTTP+SSE session whose stream this replica now holds */
    void held(Session session);

    /** @param session an HTTP+SSE session whose stream this replica no longer holds */
    void released(Session session);

    /**
     * The sessions held by replicas that are gone (dead, or this replica's own id in an earlier life, before this
     * process started), each handed to one caller only: the caller ends them.
     *
     * @param max at most this many
     * @return sessions, none when no replica is gone
     */
    List<Session> takeOrphaned(int max);
}
