package dev.switchboard.gateway.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /.well-known/oauth-protected-resource[/...]}: this gateway's OAuth 2.0 protected resource metadata
 * (RFC 9728), which MCP clients read to find the authorization server to get a token from. The same document answers
 * under every path suffix, since one resource covers all functions; the public listener writes it on either port, so
 * a client given either URL finds it at the origin its challenge names.
 */
public final class ProtectedResourceMetadata {
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
    public static Map<String, String> preflightHeaders(Optional<String> requestedHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
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
}
