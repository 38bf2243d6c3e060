package dev.switchboard.gateway.api;

import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/{topic}} on the admin listener: Helidon's request and response around {@link Publications}.
 * The admin token is the credential (the listener's guard checked it), so no publish grant is asked for; the
 * public listener's publishers need one ({@code stream/PublishExchange}).
 */
public final class PublishService implements HttpService {
    private final Publications publications;

    /** @param publications serves the publishes */
    public PublishService(Publications publications) {
        this.publications = publications;
    }

    @Override
    public void routing(HttpRules rules) {
        // {+topic}: a name with a '/' (sent as %2F, decoded before routing) is still a topic the publish refuses with
        // 400 INVALID_TOPIC, as is an empty one ("/" here, Helidon drops a trailing slash), not an unknown route
        rules.post("/{+topic}", this::publish)
                .any("/{+topic}", ErrorHandling.methodNotAllowed("POST"))
                .post("/", this::publish);
    }

    private void publish(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = publications.publish(AdminJsonPost.of(req, res, "topic"), false);
        Json.send(res, answer.status(), answer.json());
    }
}
