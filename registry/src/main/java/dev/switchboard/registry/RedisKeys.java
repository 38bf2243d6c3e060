package dev.switchboard.registry;

import java.util.Optional;

/**
 * Every Redis key and channel Switchboard uses, in one place, so that the operator and all gateway
 * replicas agree. Keys used together share a hash tag ({@code {...}}) and so a Redis Cluster slot.
 */
public final class RedisKeys {
    /** Common prefix: lets an operator see (and SCAN) all of Switchboard's keys. */
    public static final String PREFIX = "switchboard:";
    /**
     * Hash of the default namespace (registrations made through the admin API of a gateway that names no
     * namespace, and every registration written before namespaces existed): function name to its stored JSON.
     */
    public static final String FUNCTIONS = PREFIX + "{functions}";
    /** Counter: the default namespace's revision, incremented by every registration change. */
    public static final String FUNCTIONS_REVISION = PREFIX + "{functions}:revision";
    /** Pub/sub channel of the default namespace: the name of a function whose registration changed. */
    public static final String FUNCTIONS_CHANNEL = PREFIX + "functions:changed";
    /** SCAN pattern matching the registration hash of every named namespace (not the default one). */
    public static final String NAMESPACED_FUNCTIONS_PATTERN = PREFIX + "{functions:*}";
    /** Every log's announcement channel ends with this ({@link #announcements(String)}). */
    public static final String ANNOUNCEMENTS_SUFFIX = ":announce";
    /** Pattern of every log's announcement channel, for {@code PUBSUB CHANNELS}. */
    public static final String ANNOUNCEMENTS_PATTERN = PREFIX + "{*}*" + ANNOUNCEMENTS_SUFFIX;
    /** Every replica's session-signal channel starts with this ({@link #sessionSignals(String)}). */
    public static final String SESSION_SIGNALS_PREFIX = PREFIX + "session-signals:";
    /** SCAN pattern matching every MCP session record. */
    public static final String MCP_SESSIONS_PATTERN = PREFIX + "{mcp:*}:session";
    /** SCAN pattern matching every replica's connection hash. */
    public static final String REPLICA_CONNECTIONS_PATTERN = PREFIX + "replica:*:connections";
    /** Pattern of every replica's topic subscriber counts ({@link #replicaTopics(String)}), for {@code SCAN}. */
    public static final String REPLICA_TOPICS_PATTERN = PREFIX + "replica:*:topics";
    /**
     * Hash: replica id to its latest monitoring snapshot ({@code <written epoch ms>\n<json>}), rewritten every
     * few seconds; one key, so the monitoring page reads the fleet in one command and never scans.
     */
    public static final String REPLICA_SNAPSHOTS = PREFIX + "{monitor}:replicas";

    private RedisKeys() {}

    /**
     * @param namespace a namespace ({@link Namespaces#DEFAULT} or a DNS label)
     * @return the hash of that namespace's registrations; the default namespace keeps the original key, so that
     *         registrations written before namespaces existed are still read
     */
    public static String functions(String namespace) {
        return Namespaces.isDefault(namespace) ? FUNCTIONS : PREFIX + "{functions:" + namespace + "}";
    }

    /**
     * @param namespace a namespace
     * @return its revision counter, in the hash's Cluster slot
     */
    public static String functionsRevision(String namespace) {
        return functions(namespace) + ":revision";
    }

    /**
     * @param namespace a namespace
     * @return the channel announcing the names of its changed functions
     */
    public static String functionsChannel(String namespace) {
        return Namespaces.isDefault(namespace) ? FUNCTIONS_CHANNEL : FUNCTIONS_CHANNEL + ":" + namespace;
    }

    /**
     * @param key a key matching {@link #NAMESPACED_FUNCTIONS_PATTERN}
     * @return the namespace whose registrations it holds, if it is such a hash
     */
    public static Optional<String> namespaceOfFunctions(String key) {
        String start = PREFIX + "{functions:";
        if (!key.startsWith(start) || !key.endsWith("}")) {
            return Optional.empty();
        }
        String namespace = key.substring(start.length(), key.length() - 1);
        return Namespaces.isValid(namespace) ? Optional.of(namespace) : Optional.empty();
    }

    /** Log keys of MCP streams start with this (generic client ids may not). */
    public static final String MCP_LOG_PREFIX = "mcp:";
    /** Log keys of topics start with this (generic client ids may not): {@code topic:<name>}. */
    public static final String TOPIC_LOG_PREFIX = "topic:";
    /**
     * The log of what is pushed to an MCP server's {@code subscriptions/listen} streams is
     * {@code mcp-server:<namespace>/<name>} (a generic client id cannot hold the {@code /}).
     */
    public static final String MCP_SERVER_LOG_PREFIX = "mcp-server:";

    /**
     * @param logKey a generic SSE client id, a topic's log key {@code topic:<name>}, an MCP stream's log key
     *               {@code mcp:<session>:<stream>}, or an MCP server's listen log {@code mcp-server:<ns>/<name>}
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
        if (logKey.startsWith(TOPIC_LOG_PREFIX) || logKey.startsWith(MCP_SERVER_LOG_PREFIX)) {
            // an MCP server's listen log shares its slot with the server's session index
            return PREFIX + "{" + logKey + "}:events";
        }
        return PREFIX + "{client:" + logKey + "}:events";
    }

    /**
     * @param logKey a log key, as for {@link #clientEvents}
     * @return the pub/sub channel that announces the log's appends to the replicas following it (routed fan-out);
     *         it shares the log's hash tag, so on a Cluster a sharded channel lives on the log's shard
     */
    public static String announcements(String logKey) {
        return clientEvents(logKey) + ANNOUNCEMENTS_SUFFIX;
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
     * @param sessionId an MCP session id
     * @return the set of resource URIs the session subscribed to; shares the session's hash tag and expires with it
     */
    public static String mcpSubscriptions(String sessionId) {
        return PREFIX + "{mcp:" + sessionId + "}:subscriptions";
    }

    /**
     * @param sessionId an MCP session id
     * @return the set of replica ids that read or stored the session (and so may run its calls or hold its
     *         streams): the replicas its signals go to; shares the session's hash tag and expires with it
     */
    public static String mcpSessionReplicas(String sessionId) {
        return PREFIX + "{mcp:" + sessionId + "}:replicas";
    }

    /**
     * @param sessionId an MCP session id
     * @return how far the session's stateful function's own stream was relayed ({@code <function session id>\n<last
     *         SSE id>}), for the next replica to open that stream to resume after; shares the session's hash tag and
     *         expires with it
     */
    public static String mcpBackendStream(String sessionId) {
        return PREFIX + "{mcp:" + sessionId + "}:backend-stream";
    }

    /**
     * @param replicaId a gateway replica's id
     * @return the pub/sub channel of control messages about MCP sessions (cancellations, ends) for that replica
     */
    public static String sessionSignals(String replicaId) {
        return SESSION_SIGNALS_PREFIX + replicaId;
    }

    /**
     * @param server an MCP server qualified by its namespace ({@code <namespace>/<name>})
     * @return the set of the ids of the sessions opened on it (a slot of its own: pushes read it, then write to
     *         each session's slot one by one)
     */
    public static String mcpServerSessions(String server) {
        return PREFIX + "{mcp-server:" + server + "}:sessions";
    }

    /**
     * @param server an MCP server qualified by its namespace ({@code <namespace>/<name>})
     * @return the sorted set of its open {@code subscriptions/listen} streams, fleet-wide: stream id scored by the
     *         time its record lapses unless the replica holding it renews it (same slot as the server's sessions)
     */
    public static String mcpServerListeners(String server) {
        return PREFIX + "{mcp-server:" + server + "}:listeners";
    }

    /**
     * @param name what is leased (for an MCP session's backend stream, {@code mcp-backend-stream:<session id>})
     * @return the lease: its holder's replica id, expiring unless renewed
     */
    public static String lease(String name) {
        return PREFIX + "lease:" + name;
    }

    /**
     * @param replicaKey one of a replica's own keys ({@link #replicaConnections}, {@link #replicaTopics}), as a
     *     SCAN of their pattern finds them
     * @return the replica's id
     */
    public static String replicaOf(String replicaKey) {
        return replicaKey.substring((PREFIX + "replica:").length(), replicaKey.lastIndexOf(':'));
    }

    /**
     * @param replicaId a gateway replica id
     * @return the hash of that replica's open connections (connection id to JSON)
     */
    public static String replicaConnections(String replicaId) {
        return PREFIX + "replica:" + replicaId + ":connections";
    }

    /**
     * @param replicaId a gateway replica id
     * @return a key that exists while that replica runs: it sets it again every 10 s, to expire 30 s later
     */
    public static String replicaAlive(String replicaId) {
        return PREFIX + "replica:" + replicaId + ":alive";
    }

    /**
     * @param replicaId a gateway replica id
     * @param kind      a kind of work ({@code mcp-sse-sessions}, {@code async-calls}, {@code mcp-sse-calls})
     * @return the hash of that replica's work of that kind not yet finished (id to what the fleet needs to finish
     *         it); unlike the replica's other keys it does not expire, so that the fleet finishes the work of a
     *         replica that died
     */
    public static String replicaWork(String replicaId, String kind) {
        return PREFIX + "replica:" + replicaId + ":" + kind;
    }

    /**
     * @param kind a kind of work
     * @return the set of the ids of the replicas that recorded work of that kind ({@link #replicaWork})
     */
    public static String replicaWorkHolders(String kind) {
        return PREFIX + "replicas:" + kind;
    }

    /**
     * @param replicaId a gateway replica id
     * @return the hash of the topics that replica's streams follow (topic name to number of streams)
     */
    public static String replicaTopics(String replicaId) {
        return PREFIX + "replica:" + replicaId + ":topics";
    }
}
