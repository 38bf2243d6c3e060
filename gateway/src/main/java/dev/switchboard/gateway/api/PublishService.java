package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/{topic}}: appends events to a topic's log, which fans them out to every stream that
 * follows the topic, on any replica. Answers 202 with each event's id once it is in the log. On the admin
 * listener the admin token is the credential; on the public listener the caller needs a publish grant (an
 * API key entry's or a JWT claim's) covering the topic, whatever {@code CLIENT_AUTH} says: publishing is
 * never open by default.
 */
public final class PublishService implements HttpService {
    private final ClientEventLog events;
    private final long maxBodySize;
    private final int maxJsonDepth;
    private final long maxEventSize;
    private final boolean publicListener;

    /**
     * @param events         the event logs
     * @param maxBodySize    largest request body
     * @param maxJsonDepth   deepest nesting of a request body
     * @param maxEventSize   largest stored event ({@code MAX_EVENT_SIZE})
     * @param publicListener whether callers need a publish grant (the admin listener's guard has checked its
     *                       token already)
     */
    public PublishService(
            ClientEventLog events, long maxBodySize, int maxJsonDepth, long maxEventSize, boolean publicListener) {
        this.events = events;
        this.maxBodySize = maxBodySize;
        this.maxJsonDepth = maxJsonDepth;
        this.maxEventSize = maxEventSize;
        this.publicListener = publicListener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{topic}", this::publish).any("/{topic}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void publish(ServerRequest req, ServerResponse res) {
        String topic = TopicNames.require(req.path().pathParameters().get("topic"));
        if (publicListener) {
            authorize(AdmissionFilters.identity(req), topic, res);
        }
        PublishRequest request =
                PublishRequest.parse(topic, Json.readObject(req, maxBodySize, maxJsonDepth), maxEventSize);
        String log = TopicNames.logKey(topic);
        // on the request's server span; each event carries its trace to the replicas that fan it out
        io.opentelemetry.api.trace.Span.current()
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.batch.message_count", request.events().size());
        ObjectNode answer = Json.object();
        answer.put("topic", topic);
        ArrayNode ids = answer.putArray("events");
        for (PublishRequest.Publication p : request.events()) {
            ClientEventLog.Appended appended = events.publishOnce(log, p.type(), p.envelope(), p.publishId());
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
        Json.send(res, Status.ACCEPTED_202, answer);
    }

    /**
     * Demands a publish grant covering a topic, on the public listener.
     *
     * @param identity who asks
     * @param topic    the topic
     * @param res      the answer, which gets the challenge of a 401
     * @throws ApiException 401 {@code PUBLISH_UNAUTHORIZED} without a credential, 403 {@code PUBLISH_FORBIDDEN}
     *                      without a covering grant
     */
    public static void authorize(Identity identity, String topic, ServerResponse res) {
        authorize(identity, topic, (name, value) -> res.header(HeaderNames.create(name), value));
    }

    /**
     * As {@link #authorize(Identity, String, ServerResponse)}, on any listener.
     *
     * @param identity who asks
     * @param topic    the topic (or grant name) to publish to
     * @param header   sets a header of the answer (the challenge of a 401)
     */
    public static void authorize(
            Identity identity, String topic, java.util.function.BiConsumer<String, String> header) {
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
