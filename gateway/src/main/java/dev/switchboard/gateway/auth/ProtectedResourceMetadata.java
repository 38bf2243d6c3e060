package dev.switchboard.gateway.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /.well-known/oauth-protected-resource[/...]}: this gateway's OAuth 2.0 protected resource
 * metadata (RFC 9728), which MCP clients read to find the authorization server to get a token from.
 * The same document answers under every path suffix, since one resource covers all functions. The stream listener
 * answers the same bytes with the same headers ({@link #document()}, {@link #HEADERS}), so a client given either URL
 * finds it at the origin its challenge names.
 */
public final class ProtectedResourceMetadata implements HttpService {
    /** The answer's headers besides its type: public, read by browser clients of other origins, and cacheable. */
    public static final Map<String, String> HEADERS =
            Map.of("Access-Control-Allow-Origin", "*", "Cache-Control", "max-age=300");

    private final byte[] document;

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
        this.document = Json.write(json).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param path a request's path
     * @return whether the document answers it: the metadata path, or a path below it
     */
    public static boolean covers(String path) {
        return path.startsWith(OAuthSettings.METADATA_PATH)
                && (path.length() == OAuthSettings.METADATA_PATH.length()
                        || path.charAt(OAuthSettings.METADATA_PATH.length()) == '/');
    }

    /**
     * A CORS preflight's answer: browser-based MCP clients send a protocol header with their fetch of the
     * document, which makes it non-simple. The document is public and read without credentials, so any origin and
     * any requested header may read it.
     *
     * @param requestedHeaders the preflight's {@code Access-Control-Request-Headers}, if any
     * @return the headers of the 204
     */
    public static Map<String, String> preflightHeaders(java.util.Optional<String> requestedHeaders) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", "*");
        headers.put("Access-Control-Allow-Methods", "GET");
        requestedHeaders
                .filter(requested -> !requested.isBlank())
                .ifPresent(requested -> headers.put("Access-Control-Allow-Headers", requested));
        headers.put("Access-Control-Max-Age", "300");
        return headers;
    }

    /** @return the document, JSON */
    public byte[] document() {
        return document.clone();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::send)
                .get("/*", this::send)
                .options("/", this::preflight)
                .options("/*", this::preflight)
                .any("/", ErrorHandling.methodNotAllowed("GET"))
                .any("/*", ErrorHandling.methodNotAllowed("GET"));
    }

    private void send(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        HEADERS.forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.send(document);
    }

    private void preflight(ServerRequest req, ServerResponse res) {
        res.status(Status.NO_CONTENT_204);
        preflightHeaders(req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS))
                .forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.send();
    }
}
