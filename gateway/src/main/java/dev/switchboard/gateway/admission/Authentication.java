package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.auth.AuthException;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.ClientAuthenticator;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authentication step of {@link Admission}: which credentials a path needs (the function's
 * {@code auth} rule, else {@code CLIENT_AUTH}), whether the request presents them, and the
 * {@code WWW-Authenticate} challenge of a refusal (RFC 6750, with RFC 9728's {@code resource_metadata}
 * when OAuth is configured, as the MCP authorization spec asks).
 */
final class Authentication {
    /** Paths of the publish route, which needs a publisher credential of either kind. */
    static final String PUBLISH_PREFIX = "/publish/";

    private final AuthSettings settings;
    private final ClientAuthenticator authenticator;
    private final FunctionCatalog catalog;

    /**
     * @param settings      configuration
     * @param authenticator the credential checks
     * @param catalog       registrations, for their {@code auth} rules
     */
    Authentication(AuthSettings settings, ClientAuthenticator authenticator, FunctionCatalog catalog) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.catalog = catalog;
    }

    /**
     * @param path    the request path
     * @param headers its headers
     * @return the identity it proved, {@link Identity#ANONYMOUS} where none is needed or presented
     * @throws AuthException 401, 403 or 503 when it may not pass
     */
    Identity check(String path, Headers headers) {
        Set<ClientAuth> required = required(path);
        for (ClientAuth method : required) {
            if (!settings.canCheck(method)) {
                throw new AuthException(
                        Status.SERVICE_UNAVAILABLE_503,
                        "AUTH_NOT_CONFIGURED",
                        null,
                        "this function requires " + method.wireName() + " credentials, which this gateway is not "
                                + "configured to check");
            }
        }
        // with no way to check anything configured, credentials meant for someone else are no concern here
        Identity identity = authenticator.checksAnything() ? authenticator.authenticate(headers) : Identity.ANONYMOUS;
        if (required.isEmpty() || required.contains(identity.method())) {
            return identity;
        }
        String accepted = required.stream().map(ClientAuth::wireName).sorted().collect(Collectors.joining(" or "));
        if (identity.isAnonymous()) {
            throw new AuthException(
                    Status.UNAUTHORIZED_401,
                    "UNAUTHORIZED",
                    null,
                    "authentication required: present " + accepted + " credentials");
        }
        throw new AuthException(
                Status.UNAUTHORIZED_401,
                "UNAUTHORIZED",
                "invalid_token",
                "this endpoint accepts " + accepted + " credentials, not "
                        + identity.method().wireName());
    }

    /** The methods a path accepts: the function's own rule, else the gateway's; empty when none is needed. */
    private Set<ClientAuth> required(String path) {
        if (path.startsWith(PUBLISH_PREFIX)) {
            // any proven identity passes; the publish route itself demands a publish grant, whatever CLIENT_AUTH says
            return Set.of();
        }
        Optional<ClientAuth> rule = functionName(path)
                .flatMap(catalog::find)
                .map(FunctionRegistration::auth)
                .filter(auth -> auth != ClientAuth.DEFAULT);
        if (rule.isEmpty()) {
            return settings.methods();
        }
        return rule.get() == ClientAuth.NONE ? Set.of() : EnumSet.of(rule.get());
    }

    /** {@code /invoke/{name}} and {@code /mcp/{name}[/...]}. */
    private static Optional<String> functionName(String path) {
        String rest =
                path.startsWith("/invoke/") ? path.substring(8) : path.startsWith("/mcp/") ? path.substring(5) : null;
        if (rest == null || rest.isEmpty()) {
            return Optional.empty();
        }
        int slash = rest.indexOf('/');
        return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
    }

    /**
     * @param e a 401 or 403 refusal
     * @return the {@code WWW-Authenticate} value
     */
    String challenge(AuthException e) {
        StringBuilder value = new StringBuilder(settings.bearerChallenge());
        if (e.bearerError() != null) {
            value.append(", error=\"").append(e.bearerError()).append('"');
            value.append(", error_description=\"")
                    .append(quotable(e.getMessage()))
                    .append('"');
        }
        if ("insufficient_scope".equals(e.bearerError())) {
            value.append(", scope=\"")
                    .append(String.join(" ", settings.oauth().orElseThrow().requiredScopes()))
                    .append('"');
        }
        return value.toString();
    }

    /** error_description allows printable ASCII but {@code "} and {@code \}. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }
}
