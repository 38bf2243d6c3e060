package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.ClientIds;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.topic.PublishRequest;
import dev.switchboard.gateway.topic.TopicNames;
import java.util.ArrayList;
import java.util.List;

/**
 * A function may publish by answering: a JSON object answer whose reserved top-level key {@code switchboard}
 * holds {@code {"publish": [{"topic": t | "client_id": c, "event": e, "data": d, "id": i}, ...]}} has those
 * events appended (to topics, and to the caller's own client ids) before the call's result goes anywhere,
 * and the key removed from the result. A function is registered by an operator, so its answers may publish
 * to any topic, with no credential of its own. Any other answer is the result, as before.
 */
public final class AnswerPublications {
    /** The reserved top-level key of a function's answer. */
    public static final String KEY = "switchboard";

    private AnswerPublications() {}

    /**
     * One event to append.
     *
     * @param logKey      the log: a topic's log key, or the caller's client stream key
     * @param publication the event
     */
    public record Target(String logKey, PublishRequest.Publication publication) {}

    /**
     * @param result  the call's result, {@code switchboard} removed (or a failure saying why the list was refused)
     * @param publish the events to append first, in order
     */
    public record Split(InvocationResult result, List<Target> publish) {}

    /**
     * @param result       a function call's result
     * @param caller       who called (client ids are in its namespace)
     * @param maxEventSize largest stored event
     * @return the result to pass on and the events to publish; an invalid list fails the call
     *         ({@code EXECUTION_ERROR} saying what is wrong) and publishes nothing
     */
    public static Split split(InvocationResult result, Identity caller, long maxEventSize) {
        // a passed-through answer was checked to have no top-level KEY: no tree is built for it here
        if (!result.success()
                || result.dataJson() != null
                || !(result.data() instanceof ObjectNode answer)
                || !answer.has(KEY)) {
            return new Split(result, List.of());
        }
        List<Target> targets;
        try {
            targets = targets(answer.get(KEY), caller, maxEventSize);
        } catch (ApiException e) {
            return new Split(
                    new InvocationResult(
                            false,
                            result.requestId(),
                            result.functionName(),
                            result.durationMillis(),
                            null,
                            "the function's answer has an invalid " + KEY + ".publish: " + e.getMessage(),
                            InvocationResult.Outcome.EXECUTION_ERROR,
                            result.functionStatus()),
                    List.of());
        }
        ObjectNode rest = answer.deepCopy();
        rest.remove(KEY);
        return new Split(
                new InvocationResult(
                        true,
                        result.requestId(),
                        result.functionName(),
                        result.durationMillis(),
                        rest,
                        null,
                        null,
                        result.functionStatus()),
                targets);
    }

    private static List<Target> targets(JsonNode node, Identity caller, long maxEventSize) {
        if (!node.isObject()
                || node.size() != 1
                || !node.has("publish")
                || !node.get("publish").isArray()
                || node.get("publish").size() > PublishRequest.MAX_BATCH) {
            throw invalid("must be {\"publish\": [events]} with at most " + PublishRequest.MAX_BATCH + " events");
        }
        List<Target> targets = new ArrayList<>();
        JsonNode list = node.get("publish");
        for (int i = 0; i < list.size(); i++) {
            String where = "publish[" + i + "].";
            if (!(list.get(i) instanceof ObjectNode item)) {
                throw invalid("publish[" + i + "] must be an object");
            }
            ObjectNode event = item.deepCopy();
            JsonNode topic = event.remove("topic");
            JsonNode clientId = event.remove("client_id");
            if ((topic == null) == (clientId == null)) {
                throw invalid(where + "topic or " + where + "client_id: name exactly one of them");
            }
            if (topic != null) {
                String name = TopicNames.require(topic.isTextual() ? topic.asText() : null);
                targets.add(new Target(
                        TopicNames.logKey(name), PublishRequest.publication(name, event, where, maxEventSize)));
            } else {
                if (!clientId.isTextual()
                        || !InvokeRequest.CLIENT_ID.matcher(clientId.asText()).matches()) {
                    throw invalid(where + "client_id " + InvokeRequest.CLIENT_ID_RULE);
                }
                targets.add(new Target(
                        ClientIds.streamKey(caller, clientId.asText()),
                        PublishRequest.publication(null, event, where, maxEventSize)));
            }
        }
        return targets;
    }

    private static ApiException invalid(String message) {
        return new ApiException(io.helidon.http.Status.BAD_REQUEST_400, "INVALID_ANSWER", message);
    }
}
