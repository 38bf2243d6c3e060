package dev.switchboard.gateway.state;

import java.util.Optional;

/** MCP sessions, expiring after an idle time-to-live that every use renews. */
public interface McpSessionStore {
    /** @param session a new or changed session */
    void save(McpSession session);

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
