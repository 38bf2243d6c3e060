package dev.switchboard.gateway.api;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
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
        rules.post("/{topic}", this::publish).any("/{topic}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void publish(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = publications.publish(adminPost(req, res, "topic"), false);
        Json.send(res, answer.status(), answer.json());
    }

    /**
     * @param req       a request on the admin listener
     * @param res       its answer
     * @param parameter the path parameter that names the target
     * @return the request as a {@link JsonPost} (its credential is the admin token, so no identity)
     */
    public static JsonPost adminPost(ServerRequest req, ServerResponse res, String parameter) {
        return new JsonPost(
                req.path().pathParameters().get(parameter),
                req.headers().first(HeaderNames.CONTENT_TYPE),
                maxSize -> Json.readBody(req, maxSize),
                Identity.ANONYMOUS,
                (name, value) -> res.header(HeaderNames.create(name), value));
    }
}
