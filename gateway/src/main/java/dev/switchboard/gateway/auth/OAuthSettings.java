package dev.switchboard.gateway.auth;

import java.net.URI;
import java.util.List;

/**
 * How bearer JWTs are checked, and what this resource says about itself in its protected resource
 * metadata (RFC 9728).
 *
 * @param issuer         the authorization server: the required {@code iss}, listed in the metadata
 * @param jwksUrl        where its signing keys are published
 * @param resource       this gateway's canonical URL, the resource clients ask tokens for
 * @param audience       the required {@code aud} (the resource unless set apart)
 * @param requiredScopes scopes every token must carry (403 {@code insufficient_scope} otherwise)
 */
public record OAuthSettings(String issuer, URI jwksUrl, URI resource, String audience, List<String> requiredScopes) {
    /** Path of the metadata document, before the resource's own path. */
    public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    public OAuthSettings {
        requiredScopes = List.copyOf(requiredScopes);
    }

    /** @return the URL of this resource's metadata, as named in {@code WWW-Authenticate} */
    public String metadataUrl() {
        String path = resource.getRawPath() == null ? "" : resource.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return resource.getScheme() + "://" + resource.getRawAuthority() + METADATA_PATH + path;
    }
}
