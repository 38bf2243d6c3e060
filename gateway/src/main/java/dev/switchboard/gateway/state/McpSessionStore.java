package dev.switchboard.gateway.state;

import java.util.Optional;

/** MCP sessions, expiring after an idle time-to-live that every use renews. */
public interface McpSessionStore {
    /** @param session a new or changed session */
    void save(McpSession session);

    /**
     * Records a new session and makes it a member of its server's push index ({@link McpPushIndex#joined}): the
     * record first, so that no reader of the index finds the member before its record (and forgets it as ended).
     * Redis sends both before waiting: one round trip for the two writes.
     *
     * @param session a new session
     * @param server  its server, qualified by namespace ({@code <namespace>/<name>})
     */
    void saveNew(McpSession session, String server);

    /**
     * Records a stateful function's new session for a session whose function session was lost, only if the
     * stored session still carries the lost one (a compare-and-set): of two recoveries of one session, the
     * second learns of the first's function session instead of replacing it, and an ended session is not
     * brought back. Renews the session's time-to-live when it records.
     *
     * @param id       a session id
     * @param lostId   the function session id the function no longer knows
     * @param freshId  the function session id it gave on re-initializing
     * @return the session as stored now: carrying {@code freshId} when this call recorded it, another function
     *         session when another recovery was recorded first, empty when the session ended or expired
     */
    Optional<McpSession> replaceBackendSession(String id, String lostId, String freshId);

    /**
     * Finds a session and renews its time-to-live (a store may renew a session it renewed a moment ago only
     * once per short interval: see {@link SessionRenewals}).
     *
     * @param id a session id
     * @return the session, unless unknown, ended or expired
     */
    Optional<McpSession> find(String id);

    /**
     * Reads a session without renewing it: looking must not keep a session alive.
     *
     * @param id a session id
     * @return the session, unless unknown, ended or expired
     */
    Optional<McpSession> peek(String id);

    /**
     * @param id a session id
     * @return whether it existed
     */
    boolean delete(String id);

    /**
     * How far a stateful function's own standalone stream was relayed into a session.
     *
     * @param backendSessionId the function session the stream was open for
     * @param eventId          the SSE id of the last event of it relayed (in the session's log)
     */
    record BackendStreamPosition(String backendSessionId, String eventId) {}

    /**
     * Records how far the function's stream of a session was relayed, for whichever replica opens that stream next
     * to resume after it (a replica taking the stream over from one that died, or the first to open it again after
     * the session's client streams all ended). Kept as long as the session, ended with it.
     *
     * @param id       a session id
     * @param position the position, or null to forget it (the function could not resume from it)
     */
    void relayedBackendStream(String id, BackendStreamPosition position);

    /**
     * @param id a session id
     * @return how far its function's stream was relayed, if recorded
     */
    Optional<BackendStreamPosition> backendStreamPosition(String id);

    /** @return sessions open in the fleet now (a scan: for periodic metrics, not for the request path) */
    long count();

    /**
     * Reads sessions without renewing them (a scan: for the admin view, not for the request path).
     *
     * @param max at most this many
     * @return up to {@code max} open sessions, oldest first
     */
    java.util.List<McpSession> list(int max);
}
