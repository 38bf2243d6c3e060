package dev.switchboard.gateway.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /.well-known/oauth-protected-resource[/...]}: this gateway's OAuth 2.0 protected resource
 * metadata (RFC 9728), which MCP clients read to find the authorization server to get a token from.
 * The same document answers under every path suffix, since one resource covers all functions.
 */
public final class ProtectedResourceMetadata implements HttpService {
    private final String document;

    /** @param settings the OAuth configuration */
    public ProtectedResourceMetadata(OAuthSettings settings) {
        ObjectNode json = Json.object();
        json.put("resource", settings.resource().toString());
        json.putArray("authorization_servers").add(settings.issuer());
        json.putArray("bearer_methods_supported").add("header");
        if (!settings.requiredScopes().isEmpty()) {
            settings.requiredScopes().forEach(json.withArray("scopes_supported")::add);
        }
        json.put("resource_name", "Switchboard");
        this.document = Json.write(json);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::send).get("/*", this::send);
    }

    private void send(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        // public, and read by browser-based clients from other origins
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        res.header(HeaderNames.CACHE_CONTROL, "max-age=300");
        res.send(document);
    }
}
