package dev.switchboard.gateway.mcp;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers of MCP sessions and streams. */
final class McpIds {
    /** Stream id of the standalone GET stream (Streamable HTTP). */
    static final String STANDALONE = "g";
    /** Stream id of an HTTP+SSE session's one stream. */
    static final String LEGACY_STREAM = "l";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private McpIds() {}

    /** @return a session id: 256 random bits, visible ASCII as the transports spec requires */
    static String sessionId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /**
     * @return a stream id, unique within a session. Not a secret (a stream is reached through its session's
     *     id), so it is drawn from {@link ThreadLocalRandom}: the shared {@link SecureRandom} takes a lock on
     *     every call, and this runs on every POST of a session
     */
    static String streamId() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /**
     * @param sessionId a session
     * @param streamId  one of its streams
     * @return the key of that stream's event log
     */
    static String logKey(String sessionId, String streamId) {
        return "mcp:" + sessionId + ":" + streamId;
    }
}
