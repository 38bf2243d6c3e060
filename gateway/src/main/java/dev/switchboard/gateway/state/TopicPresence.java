package dev.switchboard.gateway.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's topic subscribers, counted as its streams register and leave the connection directory: which
 * topics its open streams follow and how many streams follow each. Exact and local; the stores publish it for the
 * fleet view ({@code /admin/topics}). A topic whose last stream leaves is dropped, so the map holds only topics
 * with subscribers.
 */
final class TopicPresence {
    private final Map<String, List<String>> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /**
     * @param connection a connection that registered
     * @return the topics whose count rose (none when it follows none or was counted already)
     */
    List<String> opened(ConnectionInfo connection) {
        if (connection.topics().isEmpty() || byConnection.putIfAbsent(connection.id(), connection.topics()) != null) {
            return List.of();
        }
        connection.topics().forEach(topic -> counts.merge(topic, 1, Integer::sum));
        return connection.topics();
    }

    /**
     * @param connectionId a connection that left
     * @return the topics whose count fell
     */
    List<String> closed(String connectionId) {
        List<String> topics = byConnection.remove(connectionId);
        if (topics == null) {
            return List.of();
        }
        topics.forEach(topic -> counts.computeIfPresent(topic, (t, n) -> n > 1 ? n - 1 : null));
        return topics;
    }

    /** @return topic to number of this replica's streams following it, a copy */
    Map<String, Integer> snapshot() {
        return Map.copyOf(counts);
    }

    /** @return how many topics this replica's streams follow */
    int topicCount() {
        return counts.size();
    }
}
