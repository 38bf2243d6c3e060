package dev.switchboard.gateway.api;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A {@link JsonPost} made from a request on the admin listener (Helidon's), for the admin routes that take one:
 * {@code POST /publish/{topic}} ({@link PublishService}) and {@code POST /publish/mcp/{server}}
 * ({@code mcp/McpNotifyService}). Kept apart from {@link JsonPost}, which names no server's types.
 */
public final class AdminJsonPost {
    private AdminJsonPost() {}

    /**
     * @param req       a request on the admin listener
     * @param res       its answer
     * @param parameter the path parameter that names the target; a path without it names an empty one
     * @return the request as a {@link JsonPost}; its credential is the admin token the listener's guard checked, so
     *     it carries no identity
     */
    public static JsonPost of(ServerRequest req, ServerResponse res, String parameter) {
        return new JsonPost(
                req.path().pathParameters().first(parameter).orElse(""),
                req.headers().first(HeaderNames.CONTENT_TYPE),
                maxSize -> Json.readBody(req, maxSize),
                Identity.ANONYMOUS,
                (name, value) -> res.header(HeaderNames.create(name), value));
    }
}
