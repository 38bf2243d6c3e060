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
     * The marks of a session's transport in its id: not in the base64url alphabet, so no random part begins with
     * one. A session's record does not say which transport opened it, and its protocol version does not either
     * (an HTTP+SSE client may negotiate 2025-06-18, a Streamable HTTP client 2024-11-05).
     */
    private static final String LEGACY_PREFIX = "sse.";

    private static final String STREAMABLE_PREFIX = "http.";

    /** @return a Streamable HTTP session's id: {@link #sessionId} marked as that transport's */
    static String streamableSessionId() {
        return STREAMABLE_PREFIX + sessionId();
    }

    /** @return an HTTP+SSE session's id: {@link #sessionId} marked as that transport's */
    static String legacySessionId() {
        return LEGACY_PREFIX + sessionId();
    }

    /**
     * @param sessionId a session's id
     * @return whether it names its transport: false for a session opened by a replica older than the marks
     */
    static boolean namesTransport(String sessionId) {
        return sessionId.startsWith(LEGACY_PREFIX) || sessionId.startsWith(STREAMABLE_PREFIX);
    }

    /** @return whether a session id is marked as an HTTP+SSE session's */
    static boolean isLegacy(String sessionId) {
        return sessionId.startsWith(LEGACY_PREFIX);
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

    /** Longer than any stream id made here (8 characters, or a one-letter mark), with room for a future format. */
    private static final int MAX_STREAM_ID = 64;

    /**
     * @param text what a client sent as a stream id ({@code Last-Event-ID})
     * @return whether it can be one made here: {@link #streamId}'s base64url alphabet (the marks {@link #STANDALONE}
     *     and {@link #LEGACY_STREAM} are in it), 1 to 64 characters
     */
    static boolean isStreamId(String text) {
        if (text.isEmpty() || text.length() > MAX_STREAM_ID) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
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
