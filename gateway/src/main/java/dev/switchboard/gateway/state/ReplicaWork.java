package dev.switchboard.gateway.state;

import java.util.List;

/**
 * Work of one kind a replica has started and not finished, recorded so that the fleet finishes it should the
 * replica die: the HTTP+SSE sessions whose stream it holds (such a session ends with its stream, and its client
 * opens a new one; left alone it would count against {@code MAX_MCP_SESSIONS} and keep a stateful function's
 * session for {@code SESSION_TTL}), the async calls it accepted and the HTTP+SSE requests it answered 202 (their
 * clients wait for an answer).
 */
public interface ReplicaWork {
    /** HTTP+SSE sessions, by id; the value is the session's server, qualified by namespace. */
    String LEGACY_SESSIONS = "mcp-sse-sessions";
    /** Accepted async calls, by request id; the value says where the result goes. */
    String ASYNC_CALLS = "async-calls";
    /**
     * Requests posted to HTTP+SSE sessions and not yet answered, by session id and JSON-RPC id; the value is the
     * session stream's log, where the answer goes.
     */
    String LEGACY_CALLS = "mcp-sse-calls";

    /** A store no other replica shares: nothing outlives this replica, so nothing is recorded. */
    ReplicaWork UNSHARED = new ReplicaWork() {
        @Override
        public void started(String id, String value) {}

        @Override
        public void finished(String id) {}

        @Override
        public List<Item> takeOrphaned(int max) {
            return List.of();
        }
    };

    /**
     * @param id    the work's id
     * @param value what another replica needs to finish it
     */
    record Item(String id, String value) {}

    /**
     * @param id    work this replica started
     * @param value what another replica needs to finish it
     */
    void started(String id, String value);

    /** @param id work this replica finished */
    void finished(String id);

    /**
     * The work of replicas that are gone (dead, or this replica's own id in an earlier life, before this process
     * started), each item handed to one caller only: the caller finishes it.
     *
     * @param max at most this many
     * @return items, none when no replica is gone
     */
    List<Item> takeOrphaned(int max);
}
