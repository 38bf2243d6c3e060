package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.api.AdminJsonPost;
import dev.switchboard.gateway.api.JsonAnswer;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/mcp/{server}} on the admin listener: Helidon's request and response around
 * {@link McpNotifications}. The admin token is the credential (the listener's guard checked it); on the public
 * listener a pusher needs a publish grant covering {@code mcp:<server>} ({@code stream/PublishExchange}).
 */
public final class McpNotifyService implements HttpService {
    private final McpNotifications notifications;

    /** @param notifications serves the pushes */
    public McpNotifyService(McpNotifications notifications) {
        this.notifications = notifications;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{server}", this::notify).any("/{server}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void notify(ServerRequest req, ServerResponse res) {
        JsonAnswer answer = notifications.notify(AdminJsonPost.of(req, res, "server"), false);
        Json.send(res, answer.status(), answer.json());
    }
}
