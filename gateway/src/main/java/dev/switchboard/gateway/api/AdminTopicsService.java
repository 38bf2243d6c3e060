package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.ConnectionDirectory;
import dev.switchboard.gateway.topic.TopicNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/**
 * Presence: {@code GET /admin/topics} (every topic with subscribers) and {@code GET /admin/topics/{topic}} (one
 * topic), each with its subscriber count across the fleet and per replica, read from the replicas' topic counts in
 * the connection directory.
 */
public final class AdminTopicsService implements HttpService {
    private final ConnectionDirectory directory;
    private final String replicaId;

    /**
     * @param directory the fleet's connection directory
     * @param replicaId this replica (the one answering)
     */
    public AdminTopicsService(ConnectionDirectory directory, String replicaId) {
        this.directory = directory;
        this.replicaId = replicaId;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{topic}", this::one)
                .any("/", ErrorHandling.methodNotAllowed("GET"))
                .any("/{topic}", ErrorHandling.methodNotAllowed("GET"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Map<String, Map<String, Integer>> topics = directory.topics();
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("replica", replicaId);
        body.put("count", topics.size());
        ArrayNode list = body.putArray("topics");
        long subscribers = 0;
        for (Map.Entry<String, Map<String, Integer>> topic : topics.entrySet()) {
            subscribers += describe(list.addObject(), topic.getKey(), topic.getValue());
        }
        body.put("subscribers", subscribers);
        Json.send(res, Status.OK_200, body);
    }

    private void one(ServerRequest req, ServerResponse res) {
        String topic = TopicNames.require(req.path().pathParameters().get("topic"));
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("replica", replicaId);
        describe(body, topic, directory.topic(topic));
        Json.send(res, Status.OK_200, body);
    }

    /** @return the topic's subscribers, written with their split by replica */
    private static long describe(ObjectNode json, String topic, Map<String, Integer> replicas) {
        long subscribers =
                replicas.values().stream().mapToLong(Integer::longValue).sum();
        json.put("topic", topic);
        json.put("subscribers", subscribers);
        ObjectNode byReplica = json.putObject("replicas");
        replicas.forEach(byReplica::put);
        return subscribers;
    }
}
