package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.api.JsonAnswer;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/mcp/{server}} on the public and admin listeners: Helidon's request and response around
 * {@link McpNotifications}. Guarded as {@code POST /publish/{topic}} is: the admin token on the admin listener; on
 * the public listener a publish grant covering the name {@code mcp:<server>}, whatever {@code CLIENT_AUTH} says.
 */
public final class McpNotifyService implements HttpService {
    private final McpNotifications notifications;
    private final boolean publicListener;

    /**
     * @param notifications  serves the pushes
     * @param publicListener whether callers need a publish grant (the admin listener's guard checked its token)
     */
    public McpNotifyService(McpNotifications notifications, boolean publicListener) {
        this.notifications = notifications;
        this.publicListener = publicListener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{server}", this::notify).any("/{server}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void notify(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = notifications.notify(
                new McpNotifications.Post(
                        req.path().pathParameters().get("server"),
                        req.headers().first(HeaderNames.CONTENT_TYPE),
                        maxSize -> Json.readBody(req, maxSize),
                        AdmissionFilters.identity(req),
                        (name, value) -> res.header(HeaderNames.create(name), value)),
                publicListener);
        Json.send(res, answer.status(), answer.json());
    }
}
