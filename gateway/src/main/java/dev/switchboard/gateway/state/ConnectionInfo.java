package dev.switchboard.gateway.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the fleet knows of one open SSE connection.
 *
 * @param id           connection id
 * @param clientId     client id from the path
 * @param userId       {@code X-User-ID} header, or null
 * @param metadata     query parameters at connect time
 * @param createdAt    when it opened
 * @param lastActivity last event written (heartbeats excluded)
 * @param replica      the replica holding it
 * @param topics       the topics it follows, in the request's order (empty for none)
 */
public record ConnectionInfo(
        String id,
        String clientId,
        String userId,
        Map<String, String> metadata,
        Instant createdAt,
        Instant lastActivity,
        String replica,
        List<String> topics) {

    public ConnectionInfo {
        topics = topics == null ? List.of() : List.copyOf(topics);
    }

    /** A connection that follows no topic (MCP streams, plain client streams). */
    public ConnectionInfo(
            String id,
            String clientId,
            String userId,
            Map<String, String> metadata,
            Instant createdAt,
            Instant lastActivity,
            String replica) {
        this(id, clientId, userId, metadata, createdAt, lastActivity, replica, List.of());
    }
}
