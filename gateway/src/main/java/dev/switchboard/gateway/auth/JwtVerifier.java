package dev.switchboard.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.registry.ClientAuth;
import io.helidon.http.Status;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an OAuth 2.1 bearer JWT: its signature against the issuer's JWKS (fetched, cached, and fetched
 * again for an unknown key id, at most once per 30 s), its type ({@code JWT} or {@code at+jwt}), issuer,
 * audience (this resource), expiry and not-before with a minute of clock skew, a subject, and the
 * required scopes. Only asymmetric algorithms are accepted, so a token signed with the public key as an
 * HMAC secret, or unsigned, is refused.
 */
public final class JwtVerifier {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 2_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;
    private static final int CLOCK_SKEW_SECONDS = 60;
    /** The claim listing the topics a token may publish to and read. */
    public static final String GRANTS_CLAIM = "switchboard";

    private final OAuthSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    /**
     * Whether the issuer's keys could not be fetched at the last try. A token whose key id is unknown makes the key
     * source fetch the keys again, at most once per interval; within it the source answers "rate limit reached",
     * which is the token's fault when the keys were fetched (401), and the issuer's when they could not be (503).
     */
    private volatile boolean keysUnavailable;

    /** @param settings the issuer, its keys and this resource */
    public JwtVerifier(OAuthSettings settings) {
        this.settings = settings;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(
                            settings.jwksUrl().toURL(),
                            new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("OAUTH_JWKS_URL: " + e.getMessage());
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.addAll(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        algorithms.addAll(JWSAlgorithm.Family.ED);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of("sub", "exp"));
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** @return the settings */
    public OAuthSettings settings() {
        return settings;
    }

    /**
     * @param token a compact JWS
     * @return the identity it proves
     * @throws AuthException 401 when it is not a valid token for this resource, 403 when it lacks a
     *                       required scope, 503 when the issuer's keys cannot be fetched
     */
    public Identity verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
            keysUnavailable = false;
        } catch (ParseException e) {
            throw AuthException.invalid("the bearer token is not a JWT");
        } catch (BadJOSEException e) {
            // the keys were at hand: nimbus's messages name the failed check (expired, audience, signature, no key
            // of that id), never the token
            keysUnavailable = false;
            throw AuthException.invalid("the bearer token was refused: " + e.getMessage());
        } catch (RateLimitReachedException e) {
            if (!keysUnavailable) {
                throw AuthException.invalid("the bearer token was refused: no key of the issuer matches its key id");
            }
            throw unavailable();
        } catch (KeySourceException e) {
            keysUnavailable = true;
            throw unavailable();
        } catch (JOSEException e) {
            throw AuthException.invalid("the bearer token's signature cannot be checked");
        }
        // the identity streams, sessions and grants are keyed by: present (checked above) is not enough
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw AuthException.invalid("the bearer token was refused: its sub claim is empty");
        }
        List<String> missing = settings.requiredScopes().stream()
                .filter(s -> !scopes(claims).contains(s))
                .toList();
        if (!missing.isEmpty()) {
            throw new AuthException(
                    Status.FORBIDDEN_403,
                    "INSUFFICIENT_SCOPE",
                    "insufficient_scope",
                    "the token lacks the scope " + String.join(" ", missing));
        }
        return new Identity(ClientAuth.JWT, subject, settings.issuer(), grants(claims));
    }

    private static AuthException unavailable() {
        return new AuthException(
                Status.SERVICE_UNAVAILABLE_503,
                "AUTH_UNAVAILABLE",
                null,
                "the authorization server's keys cannot be fetched now; retry later");
    }

    /**
     * Topic grants from the {@code switchboard} claim, {@code {"publish": [patterns], "subscribe": [patterns]}}
     * (as Mercure's {@code mercure} claim); what is not a list of valid patterns grants nothing.
     */
    private static TopicGrants grants(JWTClaimsSet claims) {
        if (!(claims.getClaim(GRANTS_CLAIM) instanceof java.util.Map<?, ?> claim)) {
            return TopicGrants.NONE;
        }
        return new TopicGrants(patterns(claim.get("publish")), patterns(claim.get("subscribe")));
    }

    private static List<String> patterns(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        List<String> patterns = new java.util.ArrayList<>();
        for (Object item : list) {
            if (item instanceof String p && TopicGrants.isPattern(p)) {
                patterns.add(p);
            }
        }
        return patterns;
    }

    /** Scopes as RFC 9068 puts them ({@code scope}, space-separated) or as some issuers do ({@code scp}). */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new HashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s) {
            scopes.addAll(List.of(s.trim().split("\\s+")));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            list.forEach(item -> scopes.add(String.valueOf(item)));
        } else if (scp instanceof String s) {
            scopes.addAll(List.of(s.trim().split("\\s+")));
        }
        return scopes;
    }
}
