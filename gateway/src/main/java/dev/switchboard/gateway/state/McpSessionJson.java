package dev.switchboard.gateway.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.registry.ClientAuth;
import java.time.Instant;

/** The stored JSON form of an {@link McpSession}. */
final class McpSessionJson {
    private McpSessionJson() {}

    static String encode(McpSession s) {
        ObjectNode json = Json.object();
        json.put("id", s.id());
        json.put("function", s.function());
        json.put("protocol_version", s.protocolVersion());
        json.set("client_info", s.clientInfo());
        json.set("client_capabilities", s.clientCapabilities());
        json.put("backend_session_id", s.backendSessionId());
        json.put("backend_version", s.backendVersion());
        json.put("log_level", s.logLevel());
        json.put("created_at", s.createdAt().toString());
        if (!s.owner().isAnonymous()) {
            ObjectNode owner = json.putObject("owner");
            owner.put("auth", s.owner().method().wireName());
            owner.put("subject", s.owner().subject());
            owner.put("issuer", s.owner().issuer());
        }
        return Json.write(json);
    }

    static McpSession decode(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            return new McpSession(
                    json.path("id").asText(),
                    json.path("function").asText(),
                    json.path("protocol_version").asText(),
                    json.path("client_info"),
                    json.path("client_capabilities"),
                    json.path("backend_session_id").isTextual()
                            ? json.get("backend_session_id").asText()
                            : null,
                    json.path("backend_version").isTextual()
                            ? json.get("backend_version").asText()
                            : null,
                    json.path("log_level").isTextual() ? json.get("log_level").asText() : null,
                    Instant.parse(json.path("created_at").asText()),
                    owner(json.path("owner")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable MCP session record", e);
        }
    }

    private static Identity owner(JsonNode owner) {
        if (!owner.isObject()) {
            return Identity.ANONYMOUS;
        }
        ClientAuth method = ClientAuth.fromWireName(owner.path("auth").asText(""))
                .orElseThrow(() -> new IllegalStateException("unreadable MCP session owner"));
        return new Identity(
                method, owner.path("subject").asText(""), owner.path("issuer").asText(""));
    }
}
