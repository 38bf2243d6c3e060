package dev.switchboard.gateway.mcp;

import java.util.List;

/**
 * The MCP protocol revisions the gateway serves. Session-based (legacy-era) revisions negotiate in
 * {@code initialize}; 2026-07-28 carries its version on every request and has no sessions.
 */
public final class McpVersions {
    /** The stateless revision: no {@code initialize}, no sessions. */
    public static final String MODERN = "2026-07-28";
    /** Newest first; the first one is offered when a client asks for one the gateway does not speak. */
    public static final List<String> SESSION_BASED = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    /** The revision of the HTTP+SSE transport (its sessions live on one SSE stream). */
    static final String LEGACY_SSE = "2024-11-05";
    /** Assumed when a session-era request carries no version header (transports spec, 2025-06-18 on). */
    public static final String DEFAULT_WITHOUT_HEADER = "2025-03-26";

    private McpVersions() {}

    /**
     * @param requested the client's {@code protocolVersion}
     * @return the version the gateway answers with
     */
    public static String negotiate(String requested) {
        return SESSION_BASED.contains(requested) ? requested : SESSION_BASED.getFirst();
    }

    /**
     * @param version a session's version
     * @return whether streams of that session start with a priming event (SEP-1699, 2025-11-25 on);
     *         older clients cannot handle an event with empty data
     */
    public static boolean primesStreams(String version) {
        return version.compareTo("2025-11-25") >= 0;
    }
}
