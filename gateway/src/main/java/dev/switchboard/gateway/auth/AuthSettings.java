package dev.switchboard.gateway.auth;

import dev.switchboard.registry.ClientAuth;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Client authentication and the limits that apply per identity.
 *
 * @param methods               credentials the public listener requires by default ({@code CLIENT_AUTH}); empty:
 *                              none (development)
 * @param apiKeys               {@code <name>:<sha256 hex>} entries ({@code API_KEYS})
 * @param apiKeysFile           a file of further entries ({@code API_KEYS_FILE})
 * @param oauth                 how bearer JWTs are checked, when configured
 * @param perIdentityPerSecond  requests a second per authenticated identity, 0: no limit
 * @param identityBurst         largest burst per identity
 * @param maxStreamsPerIdentity open streams one identity may hold on one replica
 */
public record AuthSettings(
        Set<ClientAuth> methods,
        List<String> apiKeys,
        Optional<Path> apiKeysFile,
        Optional<OAuthSettings> oauth,
        double perIdentityPerSecond,
        int identityBurst,
        int maxStreamsPerIdentity) {
    public AuthSettings {
        methods = Set.copyOf(methods);
        apiKeys = List.copyOf(apiKeys);
    }

    /**
     * @return the {@code WWW-Authenticate} challenge of a 401 that names no error: with OAuth, RFC 9728's
     *     {@code resource_metadata} (where a client finds the authorization server), else the realm
     */
    public String bearerChallenge() {
        return oauth.map(o -> "Bearer resource_metadata=\"" + o.metadataUrl() + "\"")
                .orElse("Bearer realm=\"switchboard\"");
    }

    /**
     * @param method a method
     * @return whether this gateway can check credentials of that method
     */
    public boolean canCheck(ClientAuth method) {
        return switch (method) {
            case API_KEY -> !apiKeys.isEmpty() || apiKeysFile.isPresent();
            case JWT -> oauth.isPresent();
            case NONE, DEFAULT -> true;
        };
    }
}
