package dev.switchboard.gateway.mcp;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sessions in use on this replica without requests: their standalone, HTTP+SSE or resumed streams and their
 * running calls. A session may be counted once for each; {@link McpSessions} renews them all while they last.
 */
final class SessionsInUse {
    private final Collection<String> ids = new ConcurrentLinkedQueue<>();

    /** @param sessionId a session a stream or a call of this replica now uses */
    void add(String sessionId) {
        ids.add(sessionId);
    }

    /** @param sessionId a session one stream or call of this replica no longer uses (once per {@link #add}) */
    void remove(String sessionId) {
        ids.remove(sessionId);
    }

    /** @return the sessions in use now, each once */
    Set<String> snapshot() {
        return Set.copyOf(ids);
    }
}
