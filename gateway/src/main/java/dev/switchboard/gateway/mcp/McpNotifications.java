package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.api.JsonAnswer;
import dev.switchboard.gateway.api.JsonPost;
import dev.switchboard.gateway.api.PublishGrants;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.registry.FunctionKind;
import io.helidon.http.Status;

/**
 * {@code POST /publish/mcp/{server}}, whichever listener carries it ({@link McpNotifyService} on the admin listener,
 * {@code stream/PublishExchange} on the public listener's event loops): a function (or any backend service) sends a
 * notification to the sessions of an MCP server, a {@code list_changed} to all of them, a
 * {@code resources/updated} to those subscribed to its URI, a log message to one, and learns how many it reached.
 */
public final class McpNotifications {
    /** The prefix of the name a publish grant must cover to push to an MCP server. */
    public static final String GRANT_PREFIX = "mcp:";

    private final FunctionCatalog catalog;
    private final McpPush push;
    private final long maxBodySize;
    private final int maxJsonDepth;
    private final long maxEventSize;
    private final PublishGrants grants;

    /**
     * @param catalog      registrations
     * @param push         delivery to sessions
     * @param maxBodySize  largest request body
     * @param maxJsonDepth deepest nesting of a request body
     * @param maxEventSize largest stored event ({@code MAX_EVENT_SIZE})
     * @param grants       who may publish: a push needs a grant covering {@code mcp:<server>}
     */
    public McpNotifications(
            FunctionCatalog catalog,
            McpPush push,
            long maxBodySize,
            int maxJsonDepth,
            long maxEventSize,
            PublishGrants grants) {
        this.grants = grants;
        this.catalog = catalog;
        this.push = push;
        this.maxBodySize = maxBodySize;
        this.maxJsonDepth = maxJsonDepth;
        this.maxEventSize = maxEventSize;
    }

    /**
     * Serves one push.
     *
     * @param post       the request, its name the MCP server
     * @param needsGrant whether the caller needs a publish grant covering {@code mcp:<server>} (everywhere but the
     *                   admin listener, whose guard has checked its token already)
     * @return the answer: 202 with the sessions and listening streams it reached
     * @throws ApiException the refusal, rendered by the listener as its JSON error
     */
    public JsonAnswer notify(JsonPost post, boolean needsGrant) {
        String server = post.name();
        if (needsGrant) {
            // before the registry is consulted: who may not push learns nothing of what is registered
            grants.authorize(post.identity(), GRANT_PREFIX + server, post.header());
        }
        catalog.find(server)
                .filter(fn -> fn.kind() == FunctionKind.MCP)
                .orElseThrow(() -> new ApiException(
                        Status.NOT_FOUND_404,
                        "MCP_SERVER_NOT_FOUND",
                        "no MCP server is registered as '" + server + "'"));
        McpNotification notification = McpNotification.parse(
                Json.readObject(post.contentType(), () -> post.body().apply(maxBodySize), maxJsonDepth), maxEventSize);
        McpPush.Delivered delivered = push.deliver(server, notification);
        ObjectNode answer = Json.object();
        answer.put("server", server);
        answer.put("method", notification.method());
        answer.put("sessions", delivered.sessions());
        answer.put("listen_streams", delivered.listenStreams());
        return new JsonAnswer(Status.ACCEPTED_202, Json.bytes(answer));
    }
}
