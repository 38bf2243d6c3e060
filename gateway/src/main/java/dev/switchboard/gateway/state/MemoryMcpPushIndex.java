package dev.switchboard.gateway.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** {@link McpPushIndex} of one embedded replica, beside {@link MemoryStateStore}'s sessions. */
final class MemoryMcpPushIndex implements McpPushIndex {
    /** Stale members an index may gather beyond twice its live ones before {@link #joined} sweeps it. */
    private static final int SLACK = 16;

    private final Function<String, Optional<McpSession>> peek;
    private final Map<String, Set<String>> sessionsByServer = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Integer> liveAtLastSweep = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> listenersByServer = new ConcurrentHashMap<>();

    /** @param peek reads a live session without renewing it */
    MemoryMcpPushIndex(Function<String, Optional<McpSession>> peek) {
        this.peek = peek;
    }

    @Override
    public void joined(String server, String sessionId) {
        Set<String> sessions = sessionsByServer.computeIfAbsent(server, s -> ConcurrentHashMap.newKeySet());
        // sweep once the index has doubled since the last sweep: amortized constant work per session
        if (sessions.size() > 2 * liveAtLastSweep.getOrDefault(server, 0) + SLACK) {
            liveAtLastSweep.put(server, sessionsOf(server).size());
        }
        sessions.add(sessionId);
    }

    @Override
    public List<McpSession> sessionsOf(String server) {
        List<McpSession> live = new ArrayList<>();
        Set<String> sessions = sessionsByServer.getOrDefault(server, Set.of());
        for (String id : List.copyOf(sessions)) {
            Optional<McpSession> session = peek.apply(id);
            if (session.isPresent()) {
                live.add(session.get());
            } else {
                sessions.remove(id);
                subscriptions.remove(id);
            }
        }
        return live;
    }

    @Override
    public boolean isMember(String server, String sessionId) {
        return sessionsByServer.getOrDefault(server, Set.of()).contains(sessionId);
    }

    @Override
    public Optional<McpSession> peek(String sessionId) {
        return peek.apply(sessionId);
    }

    @Override
    public Subscribed subscribe(String sessionId, String uri, int max) {
        Subscribed[] outcome = new Subscribed[1];
        subscriptions.compute(sessionId, (id, uris) -> {
            Set<String> set = uris != null ? uris : ConcurrentHashMap.newKeySet();
            outcome[0] = set.contains(uri)
                    ? Subscribed.ALREADY
                    : set.size() >= max ? Subscribed.FULL : set.add(uri) ? Subscribed.ADDED : Subscribed.ALREADY;
            return set;
        });
        return outcome[0];
    }

    @Override
    public boolean unsubscribe(String sessionId, String uri) {
        Set<String> uris = subscriptions.get(sessionId);
        return uris != null && uris.remove(uri);
    }

    @Override
    public Set<String> subscriptions(String sessionId) {
        return Set.copyOf(subscriptions.getOrDefault(sessionId, Set.of()));
    }

    @Override
    public boolean isSubscribed(String sessionId, String uri) {
        return subscriptions.getOrDefault(sessionId, Set.of()).contains(uri);
    }

    /** One process: its listen streams leave explicitly, and none outlives it, so no time-to-live is kept. */
    @Override
    public void listening(String server, Collection<String> streamIds, Duration ttl) {
        listenersByServer
                .computeIfAbsent(server, s -> ConcurrentHashMap.newKeySet())
                .addAll(streamIds);
    }

    @Override
    public void stoppedListening(String server, String streamId) {
        listenersByServer.computeIfPresent(server, (s, ids) -> {
            ids.remove(streamId);
            return ids.isEmpty() ? null : ids;
        });
    }

    @Override
    public int listeners(String server) {
        return listenersByServer.getOrDefault(server, Set.of()).size();
    }

    /** @param sessionId a session that ended: its subscriptions go with it */
    void ended(String sessionId) {
        subscriptions.remove(sessionId);
    }
}
