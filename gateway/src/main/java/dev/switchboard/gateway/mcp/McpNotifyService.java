package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.api.PublishService;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.registry.FunctionKind;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /publish/mcp/{server}}: the MCP face of publishing. A function (or any backend service) sends a
 * notification to the sessions of an MCP server: a {@code list_changed} to all of them, a
 * {@code resources/updated} to those subscribed to its URI, a log message to one. Guarded as
 * {@code POST /publish/{topic}} is: the admin token on the admin listener; on the public listener a publish
 * grant covering the name {@code mcp:<server>}, whatever {@code CLIENT_AUTH} says.
 */
public final class McpNotifyService implements HttpService {
    /** The prefix of the name a publish grant must cover to push to an MCP server. */
    public static final String GRANT_PREFIX = "mcp:";

    private final FunctionCatalog catalog;
    private final McpPush push;
    private final long maxBodySize;
    private final int maxJsonDepth;
    private final long maxEventSize;
    private final boolean publicListener;

    /**
     * @param catalog        registrations
     * @param push           delivery to sessions
     * @param maxBodySize    largest request body
     * @param maxJsonDepth   deepest nesting of a request body
     * @param maxEventSize   largest stored event ({@code MAX_EVENT_SIZE})
     * @param publicListener whether callers need a publish grant (the admin listener's guard checked its token)
     */
    public McpNotifyService(
            FunctionCatalog catalog,
            McpPush push,
            long maxBodySize,
            int maxJsonDepth,
            long maxEventSize,
            boolean publicListener) {
        this.catalog = catalog;
        this.push = push;
        this.maxBodySize = maxBodySize;
        this.maxJsonDepth = maxJsonDepth;
        this.maxEventSize = maxEventSize;
        this.publicListener = publicListener;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{server}", this::notify).any("/{server}", ErrorHandling.methodNotAllowed("POST"));
    }

    private void notify(ServerRequest req, ServerResponse res) {
        String server = req.path().pathParameters().get("server");
        if (publicListener) {
            // before the registry is consulted: who may not push learns nothing of what is registered
            PublishService.authorize(AdmissionFilters.identity(req), GRANT_PREFIX + server, res);
        }
        catalog.find(server)
                .filter(fn -> fn.kind() == FunctionKind.MCP)
                .orElseThrow(() -> new ApiException(
                        Status.NOT_FOUND_404,
                        "MCP_SERVER_NOT_FOUND",
                        "no MCP server is registered as '" + server + "'"));
        McpNotification notification =
                McpNotification.parse(Json.readObject(req, maxBodySize, maxJsonDepth), maxEventSize);
        McpPush.Delivered delivered = push.deliver(server, notification);
        ObjectNode answer = Json.object();
        answer.put("server", server);
        answer.put("method", notification.method());
        answer.put("sessions", delivered.sessions());
        answer.put("listen_streams", delivered.listenStreams());
        Json.send(res, Status.ACCEPTED_202, answer);
    }
}
