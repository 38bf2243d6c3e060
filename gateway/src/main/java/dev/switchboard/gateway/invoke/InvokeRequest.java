package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.topic.TopicNames;
import dev.switchboard.registry.Durations;
import dev.switchboard.registry.RegistrationValidator;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /invoke/{function}}: {@code {payload, client_id?, async?, timeout?}}.
 *
 * @param payload  what the function receives: JSON text in UTF-8, as the caller sent it (the value of its
 *                 {@code payload} field, {@code null} included)
 * @param clientId client whose streams receive an async result
 * @param async    answer 202 now and deliver the result as a {@code function_response} event
 * @param timeout  overrides the registration's timeout
 * @param topic    a topic an async result is published to too (needs the caller's publish grant)
 */
public record InvokeRequest(
        byte[] payload, Optional<String> clientId, boolean async, Optional<Duration> timeout, Optional<String> topic) {
    /**
     * Client ids appear in URLs, Redis keys and log lines: a conservative alphabet. The prefixes {@code mcp:}
     * and {@code topic:} are reserved for the MCP streams' and the topics' own logs, so that a generic client
     * can neither read nor write them by naming them.
     */
    public static final Pattern CLIENT_ID = Pattern.compile("(?!mcp:|topic:)[A-Za-z0-9._:@-]{1,128}");
    /** {@link #CLIENT_ID} in words, for error messages. */
    public static final String CLIENT_ID_RULE =
            "must match [A-Za-z0-9._:@-]{1,128} and not start with mcp: or topic: (reserved)";

    private static final Set<String> FIELDS = Set.of("payload", "client_id", "async", "timeout", "topic");

    /**
     * @param body    the request body's fields but {@code payload} ({@link Json#readObject(Optional,
     *                java.util.function.Supplier, int, String)})
     * @param payload the {@code payload} field's value as sent, or null when the body has none
     * @return the request
     * @throws ApiException 400 {@code INVALID_REQUEST} naming the field at fault
     */
    public static InvokeRequest parse(ObjectNode body, byte[] payload) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw invalid(f, "unknown field (expected payload, client_id, async, timeout, topic)");
            }
        });
        if (payload == null) {
            throw invalid("payload", "required (use null for none)");
        }
        Optional<String> clientId = Optional.empty();
        JsonNode client = body.get("client_id");
        if (client != null && !client.isNull()) {
            if (!client.isTextual() || !CLIENT_ID.matcher(client.asText()).matches()) {
                throw invalid("client_id", CLIENT_ID_RULE);
            }
            clientId = Optional.of(client.asText());
        }
        boolean async = false;
        JsonNode asyncNode = body.get("async");
        if (asyncNode != null && !asyncNode.isNull()) {
            if (!asyncNode.isBoolean()) {
                throw invalid("async", "must be true or false");
            }
            async = asyncNode.asBoolean();
        }
        Optional<String> topic = Optional.empty();
        JsonNode topicNode = body.get("topic");
        if (topicNode != null && !topicNode.isNull()) {
            if (!topicNode.isTextual()
                    || !TopicNames.NAME.matcher(topicNode.asText()).matches()) {
                throw invalid("topic", TopicNames.RULE);
            }
            if (!async) {
                throw invalid("topic", "only with async: true (the result is published to the topic)");
            }
            topic = Optional.of(topicNode.asText());
        }
        if (async && clientId.isEmpty() && topic.isEmpty()) {
            throw invalid(
                    "client_id",
                    "required when async is true (or a topic): the result is delivered to that " + "client's streams");
        }
        return new InvokeRequest(payload, clientId, async, timeout(body.get("timeout")), topic);
    }

    private static Optional<Duration> timeout(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Duration value;
        if (node.isNumber()) {
            value = Duration.ofMillis(Math.round(node.asDouble() * 1000));
        } else if (node.isTextual()) {
            try {
                value = Durations.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw invalid("timeout", e.getMessage());
            }
        } else {
            throw invalid("timeout", "must be a duration such as \"10s\" or a number of seconds");
        }
        if (value.compareTo(RegistrationValidator.MIN_TIMEOUT) < 0
                || value.compareTo(RegistrationValidator.MAX_TIMEOUT) > 0) {
            throw invalid(
                    "timeout",
                    "must be between " + Durations.format(RegistrationValidator.MIN_TIMEOUT) + " and "
                            + Durations.format(RegistrationValidator.MAX_TIMEOUT));
        }
        return Optional.of(value);
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(
                Status.BAD_REQUEST_400, "INVALID_REQUEST", field + ": " + message, Map.of("field", field));
    }
}
