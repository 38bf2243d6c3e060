package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.Status;
import java.util.Map;
import java.util.Set;

/**
 * A notification a backend pushes to the sessions of an MCP server ({@code POST /publish/mcp/{server}}): the
 * body {@code {"method": m, "params": {...}, "session": id}}, checked.
 *
 * @param message   the JSON-RPC notification to deliver
 * @param sessionId the one session it is for, or null for every session the method reaches
 */
record McpNotification(ObjectNode message, String sessionId) {
    /** Goes to every session of the server (or the one named). */
    static final Set<String> LIST_CHANGED = Set.of(
            "notifications/tools/list_changed",
            "notifications/prompts/list_changed",
            "notifications/resources/list_changed");
    /** Goes to the sessions that subscribed to its {@code params.uri}. */
    static final String RESOURCE_UPDATED = "notifications/resources/updated";
    /** Goes to the one session named, if its logging level lets it through. */
    static final String LOG_MESSAGE = "notifications/message";
    /** Longest resource URI, here and in {@code resources/subscribe}. */
    static final int MAX_URI_LENGTH = 2048;

    /** @return the method */
    String method() {
        return message.get("method").asText();
    }

    /** @return {@code params.uri} of a {@code resources/updated} */
    String uri() {
        return message.path("params").path("uri").asText();
    }

    /** @return {@code params.level} of a log message */
    String level() {
        return message.path("params").path("level").asText();
    }

    /**
     * @param body         the request body
     * @param maxEventSize largest stored event ({@code MAX_EVENT_SIZE})
     * @return the notification
     * @throws ApiException 400 {@code INVALID_NOTIFICATION} for a method that cannot be pushed, 400
     *                      {@code INVALID_REQUEST} naming the field at fault, 413 {@code EVENT_TOO_LARGE}
     */
    static McpNotification parse(ObjectNode body, long maxEventSize) {
        body.fieldNames().forEachRemaining(f -> {
            if (!Set.of("method", "params", "session").contains(f)) {
                throw invalid(f, "unknown field (expected method, params, session)");
            }
        });
        JsonNode method = body.get("method");
        if (method == null || !method.isTextual()) {
            throw invalid("method", "must be a string");
        }
        String name = method.asText();
        if (!LIST_CHANGED.contains(name) && !name.equals(RESOURCE_UPDATED) && !name.equals(LOG_MESSAGE)) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_NOTIFICATION",
                    "method: '" + name + "' cannot be "
                            + "pushed; expected one of notifications/tools/list_changed, notifications/prompts/list_changed, "
                            + "notifications/resources/list_changed, notifications/resources/updated, notifications/message",
                    Map.of("field", "method"));
        }
        JsonNode params = body.get("params");
        if (params != null && !params.isObject()) {
            throw invalid("params", "must be an object");
        }
        JsonNode session = body.get("session");
        if (session != null && (!session.isTextual() || session.asText().isEmpty())) {
            throw invalid("session", "must be a session id");
        }
        if (name.equals(RESOURCE_UPDATED)) {
            JsonNode uri = params == null ? null : params.get("uri");
            if (uri == null
                    || !uri.isTextual()
                    || uri.asText().isEmpty()
                    || uri.asText().length() > MAX_URI_LENGTH) {
                throw invalid("params.uri", "must be a resource URI of 1 to " + MAX_URI_LENGTH + " characters");
            }
        } else if (name.equals(LOG_MESSAGE)) {
            if (session == null) {
                throw invalid("session", "a log message goes to one session: name it");
            }
            JsonNode level = params == null ? null : params.get("level");
            if (level == null || !level.isTextual() || !McpLogLevels.isLevel(level.asText())) {
                throw invalid(
                        "params.level",
                        "must be one of debug, info, notice, warning, error, critical, alert, " + "emergency");
            }
            if (!params.has("data")) {
                throw invalid("params.data", "is required (any JSON value)");
            }
            JsonNode logger = params.get("logger");
            if (logger != null && !logger.isTextual()) {
                throw invalid("params.logger", "must be a string");
            }
        }
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", name);
        if (params != null) {
            message.set("params", params);
        }
        long size = Json.write(message).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (size > maxEventSize) {
            throw new ApiException(
                    Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "EVENT_TOO_LARGE",
                    "the notification is " + size + " bytes, more than MAX_EVENT_SIZE (" + maxEventSize + ")");
        }
        return new McpNotification(message, session == null ? null : session.asText());
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(
                Status.BAD_REQUEST_400, "INVALID_REQUEST", field + ": " + message, Map.of("field", field));
    }
}
