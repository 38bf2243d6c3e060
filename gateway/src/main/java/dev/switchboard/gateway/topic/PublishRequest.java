package dev.switchboard.gateway.topic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /publish/{topic}}: one event {@code {"event":..,"data":..,"id":..}} or a batch
 * {@code {"events":[...]}} of at most {@link #MAX_BATCH}. Each becomes the topic log's event: its name, and
 * as data the envelope {@code {"topic":<topic>,"data":<data>}}, which says where it came from on a stream that
 * follows several topics.
 *
 * @param events the events, in order
 */
public record PublishRequest(List<Publication> events) {
    /** Most events in one batch. */
    public static final int MAX_BATCH = 100;
    /** The event name when none is given: what an {@code EventSource}'s {@code onmessage} receives. */
    public static final String DEFAULT_EVENT = "message";
    /** An SSE event name: no spaces or line breaks. */
    public static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** A publish id, for idempotent retries. */
    public static final Pattern PUBLISH_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private static final Set<String> FIELDS = Set.of("event", "data", "id");

    /**
     * One event to append.
     *
     * @param type      the SSE event name
     * @param envelope  the stored data: {@code {"topic":..,"data":..}} as JSON text
     * @param publishId the publisher's id for idempotent retries, or null
     */
    public record Publication(String type, String envelope, String publishId) {
        /** @return the event as its log appends it */
        public ClientEventLog.Pending pending() {
            return new ClientEventLog.Pending(type, envelope, publishId);
        }
    }

    /**
     * @param topic        the topic (valid)
     * @param body         the request body
     * @param maxEventSize largest stored event, bytes
     * @return the request
     * @throws ApiException 400 {@code INVALID_REQUEST} naming the field at fault, 413 {@code EVENT_TOO_LARGE}
     */
    public static PublishRequest parse(String topic, ObjectNode body, long maxEventSize) {
        List<JsonNode> items = new ArrayList<>();
        if (body.has("events")) {
            if (body.size() != 1) {
                throw invalid("events", "a batch holds only \"events\"; put event, data and id in each of them");
            }
            JsonNode events = body.get("events");
            if (!events.isArray() || events.isEmpty() || events.size() > MAX_BATCH) {
                throw invalid("events", "must be a list of 1 to " + MAX_BATCH + " events");
            }
            events.forEach(items::add);
        } else {
            items.add(body);
        }
        List<Publication> publications = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String where = items.size() == 1 && !body.has("events") ? "" : "events[" + i + "].";
            publications.add(publication(topic, items.get(i), where, maxEventSize));
        }
        return new PublishRequest(List.copyOf(publications));
    }

    /**
     * Reads one event.
     *
     * @param topic        the topic it goes to, whose envelope wraps its data; null for a client's log, where
     *                     the data is stored as it is
     * @param item         the event's object ({@code event}, {@code data}, {@code id})
     * @param where        the prefix of its fields in error messages ({@code events[2].}), or empty
     * @param maxEventSize largest stored event, bytes
     * @return the event
     * @throws ApiException 400 {@code INVALID_REQUEST}, 413 {@code EVENT_TOO_LARGE}
     */
    public static Publication publication(String topic, JsonNode item, String where, long maxEventSize) {
        if (!item.isObject()) {
            throw invalid(where.isEmpty() ? "body" : where.substring(0, where.length() - 1), "must be an object");
        }
        item.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw invalid(where + f, "unknown field (expected event, data, id)");
            }
        });
        if (!item.has("data")) {
            throw invalid(where + "data", "required (any JSON value; null for none)");
        }
        String type = text(item.get("event"), where + "event", EVENT_NAME, "an SSE event name [A-Za-z0-9._:-]{1,64}");
        String id = text(item.get("id"), where + "id", PUBLISH_ID, "[A-Za-z0-9._:@-]{1,128}");
        String json = topic == null ? Json.write(item.get("data")) : envelope(topic, item.get("data"));
        long size = json.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxEventSize) {
            throw new ApiException(
                    Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "EVENT_TOO_LARGE",
                    "event "
                            + (where.isEmpty() ? "" : where.substring(0, where.length() - 1) + " ") + "is " + size
                            + " bytes with its envelope; at most " + maxEventSize + " (MAX_EVENT_SIZE)");
        }
        return new Publication(type == null ? DEFAULT_EVENT : type, json, id);
    }

    /**
     * @param topic a topic
     * @param data  an event's data
     * @return what a topic's log stores: {@code {"topic":<topic>,"data":<data>}}, so that a stream following
     *         several topics tells them apart
     */
    public static String envelope(String topic, JsonNode data) {
        ObjectNode envelope = Json.object();
        envelope.put("topic", topic);
        envelope.set("data", data);
        return Json.write(envelope);
    }

    private static String text(JsonNode node, String field, Pattern form, String rule) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !form.matcher(node.asText()).matches()) {
            throw invalid(field, "must be " + rule);
        }
        return node.asText();
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(
                Status.BAD_REQUEST_400, "INVALID_REQUEST", field + ": " + message, java.util.Map.of("field", field));
    }
}
