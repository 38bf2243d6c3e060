package dev.switchboard.gateway.api;

import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/{topic}} on the public and admin listeners: Helidon's request and response around
 * {@link Publications}. On the admin listener the admin token is the credential; on the public listener the caller
 * needs a publish grant (an API key entry's or a JWT claim's) covering the topic, whatever {@code CLIENT_AUTH} says:
 * publishing is never open by default.
 */
public final class PublishService implements HttpService {
    private final Publications publications;
    private final boolean publicListener;

    /**
     * @param publications   serves the publishes
     * @param publicListener whether callers need a publish grant (the admin listener's guard has checked its
     *                       token already)
     */
    public PublishService(Publications publications, boolean publicListener) {
        this.publications = publications;
        this.publicListener = publicListener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{topic}", this::publish).any("/{topic}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void publish(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = publications.publish(
                new Publications.Post(
                        req.path().pathParameters().get("topic"),
                        req.headers().first(HeaderNames.CONTENT_TYPE),
                        maxSize -> Json.readBody(req, maxSize),
                        AdmissionFilters.identity(req),
                        (name, value) -> res.header(HeaderNames.create(name), value)),
                publicListener);
        Json.send(res, answer.status(), answer.json());
    }

    /**
     * Demands a publish grant covering a topic, on the public listener ({@link Publications#authorize}).
     *
     * @param identity who asks
     * @param topic    the topic
     * @param res      the answer, which gets the challenge of a 401
     * @throws ApiException 401 {@code PUBLISH_UNAUTHORIZED} without a credential, 403 {@code PUBLISH_FORBIDDEN}
     *                      without a covering grant
     */
    public static void authorize(Identity identity, String topic, ServerResponse res) {
        Publications.authorize(identity, topic, (name, value) -> res.header(HeaderNames.create(name), value));
    }
}
