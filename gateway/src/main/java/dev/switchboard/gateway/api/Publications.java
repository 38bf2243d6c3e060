package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import io.helidon.http.Status;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code POST /publish/{topic}}, whichever listener carries it ({@link PublishService} on the admin listener,
 * {@code stream/PublishExchange} on the public listener's event loops): appends events to a topic's log, which
 * fans them out to every stream that follows the topic, on any replica, and answers 202 with each event's id once
 * it is in the log.
 */
public final class Publications {
    private final ClientEventLog events;
    private final long maxBodySize;
    private final int maxJsonDepth;
    private final long maxEventSize;

    /**
     * @param events       the event logs
     * @param maxBodySize  largest request body
     * @param maxJsonDepth deepest nesting of a request body
     * @param maxEventSize largest stored event ({@code MAX_EVENT_SIZE})
     */
    public Publications(ClientEventLog events, long maxBodySize, int maxJsonDepth, long maxEventSize) {
        this.events = events;
        this.maxBodySize = maxBodySize;
        this.maxJsonDepth = maxJsonDepth;
        this.maxEventSize = maxEventSize;
    }

    /**
     * Serves one publish.
     *
     * @param post       the request, its name the topic
     * @param needsGrant whether the caller needs a publish grant covering the topic (everywhere but the admin
     *                   listener, whose guard has checked its token already)
     * @return the answer: 202 with the events' ids
     * @throws ApiException the refusal, rendered by the listener as its JSON error
     */
    public JsonAnswer publish(JsonPost post, boolean needsGrant) {
        String topic = TopicNames.require(post.name());
        if (needsGrant) {
            authorize(post.identity(), topic, post.header());
        }
        PublishRequest request = PublishRequest.parse(
                topic,
                Json.readObject(post.contentType(), () -> post.body().apply(maxBodySize), maxJsonDepth),
                maxEventSize);
        String log = TopicNames.logKey(topic);
        // on the request's server span; each event carries its trace to the replicas that fan it out
        io.opentelemetry.api.trace.Span.current()
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.batch.message_count", request.events().size());
        ObjectNode answer = Json.object();
        answer.put("topic", topic);
        ArrayNode ids = answer.putArray("events");
        List<ClientEventLog.Appended> stored = events.publishAll(
                log,
                request.events().stream()
                        .map(PublishRequest.Publication::pending)
                        .toList());
        for (int i = 0; i < stored.size(); i++) {
            PublishRequest.Publication p = request.events().get(i);
            ClientEventLog.Appended appended = stored.get(i);
            ObjectNode item = ids.addObject();
            item.put("id", appended.id());
            if (p.publishId() != null) {
                item.put("publish_id", p.publishId());
            }
            item.put("duplicate", appended.duplicate());
        }
        if (request.events().size() == 1) {
            answer.put("id", ids.get(0).get("id").asText());
        }
        return new JsonAnswer(Status.ACCEPTED_202, Json.bytes(answer));
    }

    /**
     * Demands a publish grant covering a topic, on any listener.
     *
     * @param identity who asks
     * @param topic    the topic (or grant name) to publish to
     * @param header   sets a header of the answer (the challenge of a 401)
     * @throws ApiException 401 {@code PUBLISH_UNAUTHORIZED} without a credential, 403 {@code PUBLISH_FORBIDDEN}
     *                      without a covering grant
     */
    public static void authorize(Identity identity, String topic, BiConsumer<String, String> header) {
        if (identity.isAnonymous()) {
            header.accept("WWW-Authenticate", "Bearer realm=\"switchboard\"");
            throw new ApiException(
                    Status.UNAUTHORIZED_401,
                    "PUBLISH_UNAUTHORIZED",
                    "publishing needs a publisher "
                            + "credential: an API key with a publish grant, or a JWT whose switchboard.publish claim covers "
                            + "the topic");
        }
        if (!identity.grants().mayPublish(topic)) {
            throw new ApiException(
                    Status.FORBIDDEN_403,
                    "PUBLISH_FORBIDDEN",
                    "this identity may not publish to " + "topic '" + topic + "' (no publish grant covers it)");
        }
    }
}
