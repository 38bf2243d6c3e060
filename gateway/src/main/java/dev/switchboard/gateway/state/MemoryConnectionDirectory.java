package dev.switchboard.gateway.state;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ConnectionDirectory} in this process: one replica, so its open connections are all there are, and
 * nothing of them can be lost (a refresh always finds them).
 *
 * <p>The housekeeping clock refreshes the directory on every replica, whatever the store; the in-memory store has
 * no server to expire its keys, so it sweeps its own expired logs and sessions on that beat ({@code sweep}).
 */
final class MemoryConnectionDirectory implements ConnectionDirectory {
    private final Map<String, ConnectionInfo> connections = new ConcurrentHashMap<>();
    private final TopicPresence presence = new TopicPresence();
    private final Runnable sweep;

    /** @param sweep the store's periodic work, run on each refresh */
    MemoryConnectionDirectory(Runnable sweep) {
        this.sweep = sweep;
    }

    @Override
    public void register(ConnectionInfo connection) {
        connections.put(connection.id(), connection);
        presence.opened(connection);
    }

    @Override
    public void unregister(String connectionId) {
        connections.remove(connectionId);
        presence.closed(connectionId);
    }

    @Override
    public boolean refresh(Collection<ConnectionInfo> changed) {
        changed.forEach(c -> connections.computeIfPresent(c.id(), (id, old) -> c));
        sweep.run();
        return true;
    }

    @Override
    public List<ConnectionInfo> list() {
        return connections.values().stream()
                .sorted(Comparator.comparing(ConnectionInfo::createdAt))
                .toList();
    }

    @Override
    public Map<String, Map<String, Integer>> topics() {
        // one replica: its streams are all there is (each record names the replica it was opened on)
        Map<String, Map<String, Integer>> topics = new TreeMap<>();
        for (ConnectionInfo c : connections.values()) {
            for (String topic : c.topics()) {
                topics.computeIfAbsent(topic, t -> new TreeMap<>()).merge(c.replica(), 1, Integer::sum);
            }
        }
        return topics;
    }

    @Override
    public Map<String, Integer> topic(String topic) {
        return topics().getOrDefault(topic, Map.of());
    }

    @Override
    public int localTopicCount() {
        return presence.topicCount();
    }
}
