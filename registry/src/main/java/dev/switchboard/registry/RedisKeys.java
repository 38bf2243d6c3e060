package dev.switchboard.registry;

/**
 * Every Redis key and channel Switchboard uses, in one place, so that the operator and all gateway
 * replicas agree. Keys used together share a hash tag ({@code {...}}) and so a Redis Cluster slot.
 */
public final class RedisKeys {
    /** Common prefix: lets an operator see (and SCAN) all of Switchboard's keys. */
    public static final String PREFIX = "switchboard:";
    /** Hash: function name to its stored JSON registration. */
    public static final String FUNCTIONS = PREFIX + "{functions}";
    /** Counter: the store-wide revision, incremented by every registration change. */
    public static final String FUNCTIONS_REVISION = PREFIX + "{functions}:revision";
    /** Pub/sub channel: the name of a function whose registration changed. */
    public static final String FUNCTIONS_CHANNEL = PREFIX + "functions:changed";
    /** Pub/sub channel: events for generic SSE clients, fanned out to every replica. */
    public static final String CLIENT_EVENTS_CHANNEL = PREFIX + "client-events";
    /** Pub/sub channel: control messages about MCP sessions (cancellations, ends), for every replica. */
    public static final String SESSION_SIGNALS_CHANNEL = PREFIX + "session-signals";
    /** SCAN pattern matching every MCP session record. */
    public static final String MCP_SESSIONS_PATTERN = PREFIX + "{mcp:*}:session";
    /** SCAN pattern matching every replica's connection hash. */
    public static final String REPLICA_CONNECTIONS_PATTERN = PREFIX + "replica:*:connections";
    /**
     * Hash: replica id to its latest monitoring snapshot ({@code <written epoch ms>\n<json>}), rewritten every
     * few seconds; one key, so the monitoring page reads the fleet in one command and never scans.
     */
    public static final String REPLICA_SNAPSHOTS = PREFIX + "{monitor}:replicas";

    private RedisKeys() {
    }

    /** Log keys of MCP streams start with this (generic client ids may not). */
    public static final String MCP_LOG_PREFIX = "mcp:";
    /** Log keys of topics start with this (generic client ids may not): {@code topic:<name>}. */
    public static final String TOPIC_LOG_PREFIX = "topic:";

    /**
     * @param logKey a generic SSE client id, a topic's log key {@code topic:<name>}, or an MCP stream's log key
     *               {@code mcp:<session>:<stream>}
     * @return the Redis Stream holding that event log; an MCP stream's log shares its session's hash tag
     *         (and so its Cluster slot) with the session record
     */
    public static String clientEvents(String logKey) {
        if (logKey.startsWith(MCP_LOG_PREFIX)) {
            int end = logKey.indexOf(':', MCP_LOG_PREFIX.length());
            if (end > 0) {
                return PREFIX + "{mcp:" + logKey.substring(MCP_LOG_PREFIX.length(), end) + "}:events:"
                        + logKey.substring(end + 1);
            }
        }
        if (logKey.startsWith(TOPIC_LOG_PREFIX)) {
            return PREFIX + "{" + logKey + "}:events";
        }
        return PREFIX + "{client:" + logKey + "}:events";
    }

    /**
     * @param logKey    a log key, as for {@link #clientEvents}
     * @param publishId a publisher's idempotency id
     * @return the expiring record of the event that id was stored as in that log; shares the log's hash tag
     */
    public static String publishedId(String logKey, String publishId) {
        return clientEvents(logKey) + ":published:" + publishId;
    }

    /**
     * @param sessionId an MCP session id
     * @return the session record (JSON, expiring after the idle TTL)
     */
    public static String mcpSession(String sessionId) {
        return PREFIX + "{mcp:" + sessionId + "}:session";
    }

    /**
     * @param replicaId a gateway replica id
     * @return the hash of that replica's open connections (connection id to JSON)
     */
    public static String replicaConnections(String replicaId) {
        return PREFIX + "replica:" + replicaId + ":connections";
    }
}
