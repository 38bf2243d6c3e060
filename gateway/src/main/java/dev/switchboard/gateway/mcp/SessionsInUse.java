package dev.switchboard.gateway.mcp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in use on this replica without requests: their standalone, HTTP+SSE or resumed streams and their
 * running calls. A session may be counted once for each; {@link McpSessions} renews them all while they last.
 * Counted per session, so that adding and removing cost the same with ten thousand held streams as with one (every
 * relayed call adds and removes its session).
 */
final class SessionsInUse {
    private final Map<String, Integer> uses = new ConcurrentHashMap<>();

    /** @param sessionId a session a stream or a call of this replica now uses */
    void add(String sessionId) {
        uses.merge(sessionId, 1, Integer::sum);
    }

    /** @param sessionId a session one stream or call of this replica no longer uses (once per {@link #add}) */
    void remove(String sessionId) {
        uses.computeIfPresent(sessionId, (id, n) -> n > 1 ? n - 1 : null);
    }

    /** @return the sessions in use now, each once */
    Set<String> snapshot() {
        return Set.copyOf(uses.keySet());
    }
}
