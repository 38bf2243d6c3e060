package dev.switchboard.gateway.state;

import java.time.Instant;
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
 */
public record ConnectionInfo(String id,
                             String clientId,
                             String userId,
                             Map<String, String> metadata,
                             Instant createdAt,
                             Instant lastActivity,
                             String replica) {
}
