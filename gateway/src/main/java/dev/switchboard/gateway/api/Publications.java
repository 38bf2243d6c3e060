package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import io.helidon.http.Status;
import java.util.List;

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
    private final PublishGrants grants;

    /**
     * @param events       the event logs
     * @param maxBodySize  largest request body
     * @param maxJsonDepth deepest nesting of a request body
     * @param maxEventSize largest stored event ({@code MAX_EVENT_SIZE})
     * @param grants       who may publish
     */
    public Publications(
            ClientEventLog events, long maxBodySize, int maxJsonDepth, long maxEventSize, PublishGrants grants) {
        this.grants = grants;
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
            grants.authorize(post.identity(), topic, post.header());
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
}
