package dev.switchboard.gateway.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import java.time.Instant;

/**
 * An MCP session of a session-based client (revisions 2025-03-26 to 2025-11-25), held by the gateway
 * because the function behind it keeps nothing between calls.
 *
 * @param id                 the {@code Mcp-Session-Id} issued to the client
 * @param function           the registration the session talks to
 * @param protocolVersion    the negotiated protocol version
 * @param clientInfo         the client's {@code clientInfo}
 * @param clientCapabilities the client's {@code capabilities}
 * @param backendSessionId   the function's own session id when it is stateful, else null
 * @param backendVersion     the revision the function speaks: a session-based one, or 2026-07-28
 * @param logLevel           the level set by {@code logging/setLevel}, else null
 * @param createdAt          when the session was initialized
 * @param owner              the identity that opened it; only that identity may use it
 */
public record McpSession(
        String id,
        String function,
        String protocolVersion,
        JsonNode clientInfo,
        JsonNode clientCapabilities,
        String backendSessionId,
        String backendVersion,
        String logLevel,
        Instant createdAt,
        Identity owner) {

    public McpSession {
        owner = owner == null ? Identity.ANONYMOUS : owner;
    }

    /**
     * @return whether the function answered the session's {@code initialize}: its revision is known from then on (an
     *     HTTP+SSE session is stored with its stream, before its client initializes it)
     */
    public boolean initialized() {
        return backendVersion != null;
    }

    /**
     * @param backendSession the stateful function's new session id (it re-initialized after losing the old one)
     * @return a copy with that backend session
     */
    public McpSession withBackendSessionId(String backendSession) {
        return new McpSession(
                id,
                function,
                protocolVersion,
                clientInfo,
                clientCapabilities,
                backendSession,
                backendVersion,
                logLevel,
                createdAt,
                owner);
    }

    /**
     * @param level a logging level
     * @return a copy with that level
     */
    public McpSession withLogLevel(String level) {
        return new McpSession(
                id,
                function,
                protocolVersion,
                clientInfo,
                clientCapabilities,
                backendSessionId,
                backendVersion,
                level,
                createdAt,
                owner);
    }
}
