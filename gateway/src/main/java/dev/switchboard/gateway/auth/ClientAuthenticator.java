package dev.switchboard.gateway.auth;

import dev.switchboard.registry.ClientAuth;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Optional;

/**
 * Turns a request's credentials into an {@link Identity}: {@code Authorization: Bearer <jwt or key>} or
 * {@code X-API-Key: <key>}. A bearer value shaped like a JWS goes to the JWT check when one is
 * configured, anything else to the API keys. Credentials are checked whenever they are presented, also
 * for a function that needs none, so a session is bound to whoever proved who they are.
 */
public final class ClientAuthenticator {
    /** Header of an API key, for clients that cannot set {@code Authorization}. */
    public static final HeaderName API_KEY_HEADER = HeaderNames.create("X-API-Key");

    private static final int MAX_CREDENTIAL_LENGTH = 16 * 1024;

    private final Optional<ApiKeys> apiKeys;
    private final Optional<JwtVerifier> jwt;

    /**
     * @param apiKeys the API keys, when configured
     * @param jwt     the JWT check, when configured
     */
    public ClientAuthenticator(Optional<ApiKeys> apiKeys, Optional<JwtVerifier> jwt) {
        this.apiKeys = apiKeys;
        this.jwt = jwt;
    }

    /**
     * @param settings the configuration
     * @return the authenticator it describes
     */
    public static ClientAuthenticator of(AuthSettings settings) {
        Optional<ApiKeys> keys = settings.canCheck(ClientAuth.API_KEY)
                ? Optional.of(ApiKeys.of(settings.apiKeys(), settings.apiKeysFile()))
                : Optional.empty();
        return new ClientAuthenticator(keys, settings.oauth().map(JwtVerifier::new));
    }

    /** @return the JWT check, when configured */
    public Optional<JwtVerifier> jwt() {
        return jwt;
    }

    /** @return whether credentials of some kind can be checked at all */
    public boolean checksAnything() {
        return apiKeys.isPresent() || jwt.isPresent();
    }

    /**
     * @param headers a request's headers
     * @return who the request proves to come from; {@link Identity#ANONYMOUS} when it presents nothing
     * @throws AuthException when it presents credentials that do not hold
     */
    public Identity authenticate(Headers headers) {
        Optional<String> apiKeyLine = headers.first(API_KEY_HEADER);
        Optional<String> authorizationLine = headers.first(HeaderNames.AUTHORIZATION);
        // a second credential line is never ignored: which one a proxy or a log reads is not which one was checked
        // (looked for only when the header is there: an anonymous request pays nothing more)
        if ((apiKeyLine.isPresent() && lines(headers, API_KEY_HEADER) > 1)
                || (authorizationLine.isPresent() && lines(headers, HeaderNames.AUTHORIZATION) > 1)) {
            throw AuthException.invalid("send one credential: X-API-Key or Authorization appears more than once");
        }
        Optional<String> apiKey = apiKeyLine.map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> authorization = authorizationLine.map(String::strip);
        if (apiKey.isPresent() && authorization.isPresent()) {
            throw AuthException.invalid("send one credential: Authorization or X-API-Key, not both");
        }
        if (apiKey.isPresent()) {
            return byApiKey(apiKey.get());
        }
        if (authorization.isEmpty()) {
            return Identity.ANONYMOUS;
        }
        String value = authorization.get();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AuthException.invalid("the Authorization scheme must be Bearer");
        }
        String credential = value.substring(7).strip();
        if (credential.isEmpty() || credential.length() > MAX_CREDENTIAL_LENGTH) {
            throw AuthException.invalid("the bearer credential is empty or too long");
        }
        if (jwt.isPresent() && looksLikeJws(credential)) {
            return jwt.get().verify(credential);
        }
        return byApiKey(credential);
    }

    private static int lines(Headers headers, io.helidon.http.HeaderName name) {
        return headers.find(name).map(h -> h.allValues().size()).orElse(0);
    }

    private Identity byApiKey(String key) {
        if (key.length() > MAX_CREDENTIAL_LENGTH) {
            throw AuthException.invalid("the API key is too long");
        }
        return apiKeys.flatMap(keys -> keys.identify(key))
                .orElseThrow(() -> AuthException.invalid(
                        apiKeys.isPresent() ? "unknown API key" : "this gateway accepts no API keys"));
    }

    /** Three base64url parts separated by dots. */
    private static boolean looksLikeJws(String credential) {
        int dots = 0;
        for (int i = 0; i < credential.length(); i++) {
            char c = credential.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_') || c > 0x7f) {
                return false;
            }
        }
        return dots == 2;
    }
}
