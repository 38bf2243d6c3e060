package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a push to an MCP server needs to find its targets: per server, the sessions opened on it; per session,
 * the resource URIs it subscribed to. Sessions expire on their own ({@code SESSION_TTL}), so the per-server
 * index may name ended ones: readers check each against its record and forget those that are gone, and each
 * {@link #joined} samples a few members to forget stale ones, so the index stays near the live sessions. A
 * session's subscriptions live and expire with its record. Per server too, its open {@code subscriptions/listen}
 * streams, for the count a push answers with.
 */
public interface McpPushIndex {
    /**
     * @param server    the server, qualified by namespace ({@code <namespace>/<name>})
     * @param sessionId a session just opened on it
     */
    void joined(String server, String sessionId);

    /**
     * Reads the server's sessions without renewing them, and forgets those that ended or expired.
     *
     * @param server the server, qualified by namespace
     * @return its open sessions
     */
    List<McpSession> sessionsOf(String server);

    /**
     * @param server    the server, qualified by namespace
     * @param sessionId a session id
     * @return whether the session was opened on that server (of this namespace)
     */
    boolean isMember(String server, String sessionId);

    /**
     * @param sessionId a session id
     * @return the session, read without renewing it
     */
    Optional<McpSession> peek(String sessionId);

    /**
     * Records a subscription, unless the session already holds {@code max} others.
     *
     * @param sessionId the session
     * @param uri       a resource URI
     * @param max       most URIs one session may subscribe to
     * @return what happened
     */
    Subscribed subscribe(String sessionId, String uri, int max);

    /**
     * @param sessionId the session
     * @param uri       a resource URI
     * @return whether it had been subscribed
     */
    boolean unsubscribe(String sessionId, String uri);

    /**
     * @param sessionId the session
     * @return the resource URIs it is subscribed to (at most {@code MAX_MCP_SUBSCRIPTIONS})
     */
    Set<String> subscriptions(String sessionId);

    /**
     * @param sessionId the session
     * @param uri       a resource URI
     * @return whether the session subscribed to it
     */
    boolean isSubscribed(String sessionId, String uri);

    /**
     * Records (or renews) open {@code subscriptions/listen} streams of a server, held by this replica: each counts
     * for {@code ttl} unless renewed, so the streams of a replica that died stop counting.
     *
     * @param server    the server, qualified by namespace
     * @param streamIds its listen streams held here
     * @param ttl       how long each counts without renewal
     */
    void listening(String server, Collection<String> streamIds, Duration ttl);

    /**
     * @param server   the server, qualified by namespace
     * @param streamId a listen stream of it that ended
     */
    void stoppedListening(String server, String streamId);

    /**
     * @param server the server, qualified by namespace
     * @return how many of its listen streams are open in the fleet (recorded and not lapsed)
     */
    int listeners(String server);

    /** The outcome of {@link #subscribe}. */
    enum Subscribed {
        /** Recorded now. */
        ADDED,
        /** Recorded before: nothing changed. */
        ALREADY,
        /** Refused: the session holds its maximum. */
        FULL
    }
}
