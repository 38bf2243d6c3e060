package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ConnectionInfo;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.StateStore;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/sessions}: the fleet's open MCP sessions, each with the streams replicas hold for it
 * (read from the connection directory), so an operator sees which replica holds what.
 */
public final class AdminSessionsService implements HttpService {
    /** Sessions listed when no {@code limit} is given. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest {@code limit} accepted: the listing reads each session, one round trip apiece. */
    public static final int MAX_LIMIT = 1000;

    private final StateStore state;
    private final String replicaId;

    /**
     * @param state     state store
     * @param replicaId this replica
     */
    public AdminSessionsService(StateStore state, String replicaId) {
        this.state = state;
        this.replicaId = replicaId;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).any("/", ErrorHandling.methodNotAllowed("GET"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        int limit = limit(req);
        List<McpSession> sessions = state.mcpSessions().list(limit);
        Map<String, List<ConnectionInfo>> streams = new HashMap<>();
        for (ConnectionInfo c : state.connections().list()) {
            String session = c.metadata().get("mcp_session");
            if (session != null) {
                streams.computeIfAbsent(session, k -> new ArrayList<>()).add(c);
            }
        }
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("replica", replicaId);
        body.put("count", sessions.size());
        body.put("limit", limit);
        ArrayNode list = body.putArray("sessions");
        for (McpSession s : sessions) {
            ObjectNode json = list.addObject();
            json.put("id", s.id());
            json.put("function", s.function());
            json.put("protocol_version", s.protocolVersion());
            JsonNode client = s.clientInfo();
            if (client != null && client.isObject()) {
                json.put("client_name", client.path("name").asText(null));
                json.put("client_version", client.path("version").asText(null));
            }
            json.put("stateful_function", s.backendSessionId() != null);
            if (!s.owner().isAnonymous()) {
                // who opened it, as functions see it; never a credential
                json.putObject("owner")
                        .put("auth", s.owner().method().wireName())
                        .put("subject", s.owner().subject());
            }
            json.put("created_at", s.createdAt().toString());
            ArrayNode held = json.putArray("streams");
            for (ConnectionInfo c : streams.getOrDefault(s.id(), List.of())) {
                held.addObject()
                        .put("kind", c.metadata().get("mcp_stream"))
                        .put("replica", c.replica())
                        .put("connection_id", c.id())
                        .put("created_at", c.createdAt().toString());
            }
        }
        Json.send(res, Status.OK_200, body);
    }

    private static int limit(ServerRequest req) {
        String raw = req.query().first("limit").orElse(null);
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiException(
                Status.BAD_REQUEST_400,
                "INVALID_REQUEST",
                "limit must be a whole number from 1 to " + MAX_LIMIT,
                Map.of("field", "limit"));
    }
}
