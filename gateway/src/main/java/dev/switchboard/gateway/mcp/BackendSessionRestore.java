package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.state.McpPushIndex;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.registry.FunctionRegistration;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a client set on its session, set again on the function session that replaces a lost one
 * ({@link BackendSessionRecovery}): the logging level ({@code logging/setLevel}) and the resource subscriptions
 * ({@code resources/subscribe}) the gateway recorded. Without them a client that "does not notice" the
 * re-initialization would get log messages below its level and no more {@code resources/updated}. A refusal is
 * logged and the rest goes on: the function decides, as it did the first time.
 */
final class BackendSessionRestore {
    private static final Logger LOGGER = Logger.getLogger(BackendSessionRestore.class.getName());

    private final McpBackend backend;
    private final McpPushIndex subscriptions;

    /**
     * @param backend       calls the function
     * @param subscriptions where the sessions' subscriptions are recorded
     */
    BackendSessionRestore(McpBackend backend, McpPushIndex subscriptions) {
        this.backend = backend;
        this.subscriptions = subscriptions;
    }

    /**
     * @param function the function
     * @param session  the client's session, with the function's new session id
     */
    void restore(FunctionRegistration function, McpSession session) {
        Map<String, String> headers = BackendHeaders.forSession(session);
        if (session.logLevel() != null) {
            ObjectNode setLevel = JsonRpc.request("sb-restore-level", "logging/setLevel");
            setLevel.putObject("params").put("level", session.logLevel());
            send(function, setLevel, headers);
        }
        Set<String> uris;
        try {
            uris = subscriptions.subscriptions(session.id());
        } catch (RuntimeException e) {
            LOGGER.log(
                    Level.WARNING,
                    "MCP session {0}: its resource subscriptions could not be read to restore them",
                    session.id());
            return;
        }
        int n = 0;
        for (String uri : uris) {
            ObjectNode subscribe = JsonRpc.request("sb-restore-subscription-" + n++, "resources/subscribe");
            subscribe.putObject("params").put("uri", uri);
            send(function, subscribe, headers);
        }
    }

    private void send(FunctionRegistration function, ObjectNode request, Map<String, String> headers) {
        boolean taken = false;
        try (BackendCall call = backend.post(function, request, headers, function.timeout())) {
            // the answer may follow notifications on an SSE answer; at most a few are read past
            for (int i = 0; i < MAX_MESSAGES; i++) {
                if (!(call.next() instanceof BackendCall.Message m)) {
                    break;
                }
                if (JsonRpc.isResponse(m.json())
                        && request.get("id").equals(m.json().get("id"))) {
                    taken = m.json().has("result");
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "restoring a session's state on its function failed", e);
        }
        if (!taken) {
            LOGGER.info(() -> "function " + function.name() + " did not take "
                    + request.path("method").asText() + " again after its session was re-initialized");
        }
    }

    /** Messages of one answer read while looking for its response. */
    private static final int MAX_MESSAGES = 16;
}
