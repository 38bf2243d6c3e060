package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.Status;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code params.notifications} of a 2026-07-28 {@code subscriptions/listen} request ({@code SubscriptionFilter}):
 * which pushes of its server a listen stream carries. The gateway honours the four kinds of the revision, whatever
 * the function declares (it delivers what the function pushes, and a function that never pushes a kind just leaves
 * that part of the stream quiet); a field it does not know (a later revision's, an extension's) is left out of the
 * acknowledgement, as the spec says for types a server does not support.
 *
 * @param toolsListChanged     {@code notifications/tools/list_changed}
 * @param promptsListChanged   {@code notifications/prompts/list_changed}
 * @param resourcesListChanged {@code notifications/resources/list_changed}
 * @param resourceUris         the URIs whose {@code notifications/resources/updated} it carries
 */
record ListenFilter(
        boolean toolsListChanged, boolean promptsListChanged, boolean resourcesListChanged, Set<String> resourceUris) {
    /**
     * @param params  the request's params
     * @param maxUris most {@code resourceSubscriptions} entries ({@code MAX_MCP_SUBSCRIPTIONS})
     * @return the filter
     * @throws McpException 400 with -32602 (Invalid params) for a missing or malformed filter
     */
    static ListenFilter parse(JsonNode params, int maxUris) {
        JsonNode notifications = params == null ? null : params.get("notifications");
        if (notifications == null || !notifications.isObject()) {
            throw invalid("params.notifications must be an object (SubscriptionFilter)");
        }
        boolean tools = flag(notifications, "toolsListChanged");
        boolean prompts = flag(notifications, "promptsListChanged");
        boolean resources = flag(notifications, "resourcesListChanged");
        Set<String> uris = new LinkedHashSet<>();
        JsonNode subscriptions = notifications.get("resourceSubscriptions");
        if (subscriptions != null && !subscriptions.isNull()) {
            if (!subscriptions.isArray()) {
                throw invalid("params.notifications.resourceSubscriptions must be an array of resource URIs");
            }
            for (JsonNode uri : subscriptions) {
                if (!uri.isTextual()
                        || uri.asText().isEmpty()
                        || uri.asText().length() > McpNotification.MAX_URI_LENGTH) {
                    throw invalid(
                            "params.notifications.resourceSubscriptions: each entry must be a resource URI of 1 to "
                                    + McpNotification.MAX_URI_LENGTH + " characters");
                }
                uris.add(uri.asText());
            }
            if (uris.size() > maxUris) {
                throw invalid("params.notifications.resourceSubscriptions: at most " + maxUris
                        + " resource URIs per stream (MAX_MCP_SUBSCRIPTIONS); open another stream for more");
            }
        }
        return new ListenFilter(tools, prompts, resources, java.util.Collections.unmodifiableSet(uris));
    }

    private static boolean flag(JsonNode notifications, String field) {
        JsonNode value = notifications.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid("params.notifications." + field + " must be a boolean");
        }
        return value.asBoolean();
    }

    private static McpException invalid(String message) {
        return new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_PARAMS, message);
    }

    /**
     * @param notification a pushed notification ({@code method}, {@code params})
     * @return whether this stream carries it; never a log message or progress, whatever was pushed
     */
    boolean wants(JsonNode notification) {
        return switch (JsonRpc.method(notification)) {
            case "notifications/tools/list_changed" -> toolsListChanged;
            case "notifications/prompts/list_changed" -> promptsListChanged;
            case "notifications/resources/list_changed" -> resourcesListChanged;
            case McpNotification.RESOURCE_UPDATED ->
                resourceUris.contains(notification.path("params").path("uri").asText());
            default -> false;
        };
    }

    /** @return the honoured subset, as the acknowledgement's {@code params.notifications} */
    ObjectNode honoured() {
        ObjectNode out = Json.object();
        if (toolsListChanged) {
            out.put("toolsListChanged", true);
        }
        if (promptsListChanged) {
            out.put("promptsListChanged", true);
        }
        if (resourcesListChanged) {
            out.put("resourcesListChanged", true);
        }
        if (!resourceUris.isEmpty()) {
            var array = out.putArray("resourceSubscriptions");
            resourceUris.forEach(array::add);
        }
        return out;
    }

    /** @return whether a method is one a listen stream may carry (what {@link McpPush} appends to a server's log) */
    static boolean carries(String method) {
        return McpNotification.LIST_CHANGED.contains(method) || McpNotification.RESOURCE_UPDATED.equals(method);
    }
}
