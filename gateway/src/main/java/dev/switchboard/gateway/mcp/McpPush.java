package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.McpPushIndex;
import dev.switchboard.gateway.state.McpSession;
import io.helidon.http.Status;
import java.util.List;
import java.util.Optional;

/**
 * Delivers a pushed notification to the sessions of an MCP server, and to its 2026-07-28 listen streams
 * ({@link ListenStreams}: one append to the server's listen log for all of them): appends it to each target session's
 * server-to-client log (the standalone GET stream's, or the HTTP+SSE stream's), through the same
 * {@link ClientEventLog} publish as every other event, so delivery on any replica, resumption with
 * {@code Last-Event-ID} and expiry work as for the rest of the session's messages. Each append is a write to
 * one session's own slot.
 */
public final class McpPush {
    private final McpPushIndex index;
    private final ClientEventLog events;
    private final String namespace;

    /**
     * @param index     servers' sessions and sessions' subscriptions
     * @param events    the event logs
     * @param namespace this gateway's namespace: servers of other tenants on the same store are other servers
     */
    public McpPush(McpPushIndex index, ClientEventLog events, String namespace) {
        this.index = index;
        this.events = events;
        this.namespace = namespace;
    }

    /** @return the index, for the subscriptions a session records */
    McpPushIndex index() {
        return index;
    }

    /**
     * @param function an MCP server's registered name
     * @return its key in the push index: qualified by this gateway's namespace
     */
    String server(String function) {
        return namespace + "/" + function;
    }

    /**
     * What a push reached.
     *
     * @param sessions      how many sessions it was appended for
     * @param listenStreams how many listen streams of the server were open in the fleet when it went to their log
     *                      (each carries it if its filter asks for it); 0 when it does not go to listen streams
     */
    record Delivered(int sessions, int listenStreams) {}

    /**
     * @param function   the MCP server's registered name
     * @param notification what to deliver
     * @return what it reached
     * @throws ApiException 404 {@code SESSION_NOT_FOUND} for a named session that is not one of the server's
     */
    Delivered deliver(String function, McpNotification notification) {
        List<McpSession> targets;
        if (notification.sessionId() != null) {
            Optional<McpSession> one = index.peek(notification.sessionId())
                    .filter(s -> s.function().equals(function) && index.isMember(server(function), s.id()));
            targets = List.of(one.orElseThrow(() -> new ApiException(
                    Status.NOT_FOUND_404,
                    "SESSION_NOT_FOUND",
                    "no open session of MCP server '" + function + "' has that id (ended or expired?)")));
        } else {
            targets = index.sessionsOf(server(function));
        }
        String method = notification.method();
        String data = Json.write(notification.message());
        int listenStreams = 0;
        if (notification.sessionId() == null && ListenFilter.carries(method)) {
            // one append for every subscriptions/listen stream of the server, on whichever replica it is held
            events.publish(ListenStreams.logKey(namespace, function), "message", data);
            listenStreams = index.listeners(server(function));
        }
        int delivered = 0;
        for (McpSession session : targets) {
            if (wants(session, notification, method)) {
                events.publish(McpIds.logKey(session.id(), streamOf(session)), "message", data);
                delivered++;
            }
        }
        return new Delivered(delivered, listenStreams);
    }

    private boolean wants(McpSession session, McpNotification notification, String method) {
        return switch (method) {
            case McpNotification.RESOURCE_UPDATED -> index.isSubscribed(session.id(), notification.uri());
            case McpNotification.LOG_MESSAGE -> McpLogLevels.passes(notification.level(), session.logLevel());
            default -> true;
        };
    }

    /**
     * The stream that carries a session's server-initiated messages: told by the session's id, not by the version it
     * negotiated (an HTTP+SSE client that negotiated 2025-06-18 was pushed to a standalone stream it never opens).
     */
    private static String streamOf(McpSession session) {
        boolean legacy = McpIds.namesTransport(session.id())
                ? McpIds.isLegacy(session.id())
                // opened by an older replica: its version is the one sign there is
                : McpVersions.LEGACY_SSE.equals(session.protocolVersion());
        return legacy ? McpIds.LEGACY_STREAM : McpIds.STANDALONE;
    }
}
