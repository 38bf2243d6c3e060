package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.ClientAuthenticator;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.AuthException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.mcp.JsonRpc;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.RateLimiter;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionRegistration;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Client authentication on the public listener. Decides which credentials a request needs (the
 * function's {@code auth} rule, else {@code CLIENT_AUTH}), checks what it presents, applies the
 * per-identity rate limit, and hands the {@link Identity} on in the request context. Refusals are JSON
 * errors, JSON-RPC errors under {@code /mcp}, and 401s carry the {@code WWW-Authenticate} challenge the
 * MCP authorization spec asks for.
 */
public final class AuthFilter implements Filter {
    /** Paths of the publish route, which needs a publisher credential of either kind. */
    public static final String PUBLISH_PREFIX = "/publish/";
    private final AuthSettings settings;
    private final ClientAuthenticator authenticator;
    private final FunctionCatalog catalog;
    private final Optional<RateLimiter> perIdentity;
    private final GatewayMetrics metrics;

    /**
     * @param settings      configuration
     * @param authenticator the credential checks
     * @param catalog       registrations, for their {@code auth} rules
     * @param metrics       counts refusals
     */
    public AuthFilter(AuthSettings settings, ClientAuthenticator authenticator, FunctionCatalog catalog,
                      GatewayMetrics metrics) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.catalog = catalog;
        this.metrics = metrics;
        this.perIdentity = settings.perIdentityPerSecond() > 0
                ? Optional.of(new RateLimiter(settings.perIdentityPerSecond(), settings.identityBurst(),
                                              System::nanoTime))
                : Optional.empty();
    }

    /**
     * @param req a request that passed this filter
     * @return who sent it
     */
    public static Identity identity(ServerRequest req) {
        return req.context().get(Identity.class).orElse(Identity.ANONYMOUS);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (path.startsWith("/.well-known/")
                || CorsPolicy.isPreflight(req.prologue().method().text(), req.headers())) {
            // public metadata, and preflights, which browsers send without credentials
            chain.proceed();
            return;
        }
        Identity identity;
        try {
            identity = admit(path, req.headers());
        } catch (AuthException e) {
            refuse(path, res, e, Map.of());
            return;
        }
        req.context().register(identity);
        long waitNanos = identityWaitNanos(identity);
        if (waitNanos > 0) {
            long seconds = RateLimitFilter.retryAfterSeconds(waitNanos);
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(seconds));
            refuse(path, res, rateLimited(seconds), Map.of("retry_after_seconds", seconds));
            return;
        }
        chain.proceed();
    }

    /**
     * Decides who a request comes from and whether it may pass (refusals are counted).
     *
     * @param path    the request path
     * @param headers its headers
     * @return the identity it proved, {@link Identity#ANONYMOUS} where none is needed or presented
     * @throws AuthException 401, 403 or 503 when it may not pass
     */
    public Identity admit(String path, io.helidon.http.Headers headers) {
        try {
            return check(path, headers);
        } catch (AuthException e) {
            metrics.authRefused(e.code());
            throw e;
        }
    }

    private Identity check(String path, io.helidon.http.Headers headers) {
        Set<ClientAuth> required = required(path);
        for (ClientAuth method : required) {
            if (!settings.canCheck(method)) {
                throw new AuthException(Status.SERVICE_UNAVAILABLE_503, "AUTH_NOT_CONFIGURED", null,
                        "this function requires " + method.wireName() + " credentials, which this gateway is not "
                                + "configured to check");
            }
        }
        // with no way to check anything configured, credentials meant for someone else are no concern here
        Identity identity = authenticator.checksAnything() ? authenticator.authenticate(headers)
                : Identity.ANONYMOUS;
        if (required.isEmpty() || required.contains(identity.method())) {
            return identity;
        }
        String accepted = required.stream().map(ClientAuth::wireName).sorted().collect(Collectors.joining(" or "));
        if (identity.isAnonymous()) {
            throw new AuthException(Status.UNAUTHORIZED_401, "UNAUTHORIZED", null,
                                    "authentication required: present " + accepted + " credentials");
        }
        throw new AuthException(Status.UNAUTHORIZED_401, "UNAUTHORIZED", "invalid_token",
                                "this endpoint accepts " + accepted + " credentials, not " + identity.method().wireName());
    }

    /** The methods a path accepts: the function's own rule, else the gateway's; empty when none is needed. */
    private Set<ClientAuth> required(String path) {
        if (path.startsWith(PUBLISH_PREFIX)) {
            // any proven identity passes; the publish route itself demands a publish grant, whatever CLIENT_AUTH says
            return Set.of();
        }
        Optional<ClientAuth> rule = functionName(path).flatMap(catalog::find).map(FunctionRegistration::auth)
                .filter(auth -> auth != ClientAuth.DEFAULT);
        if (rule.isEmpty()) {
            return settings.methods();
        }
        return rule.get() == ClientAuth.NONE ? Set.of() : EnumSet.of(rule.get());
    }

    /** {@code /invoke/{name}} and {@code /mcp/{name}[/...]}. */
    private static Optional<String> functionName(String path) {
        String rest = path.startsWith("/invoke/") ? path.substring(8) : path.startsWith("/mcp/") ? path.substring(5)
                : null;
        if (rest == null || rest.isEmpty()) {
            return Optional.empty();
        }
        int slash = rest.indexOf('/');
        return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
    }

    /**
     * Takes one request from an identity's budget ({@code RATE_LIMIT_PER_IDENTITY}).
     *
     * @param identity who sends it
     * @return 0 when it may pass, else how long until it could (the refusal is counted)
     */
    public long identityWaitNanos(Identity identity) {
        if (perIdentity.isEmpty() || identity.isAnonymous()) {
            return 0;
        }
        long waitNanos = perIdentity.get().acquire(identity.scope());
        if (waitNanos > 0) {
            metrics.rateLimited(true);
        }
        return waitNanos;
    }

    /**
     * @param seconds the {@code Retry-After}
     * @return the 429 refusal of the per-identity limit
     */
    public AuthException rateLimited(long seconds) {
        return new AuthException(Status.TOO_MANY_REQUESTS_429, "RATE_LIMITED", null,
                "more than " + settings.perIdentityPerSecond() + " requests a second (burst "
                        + settings.identityBurst() + ") from this identity; retry after " + seconds + " s");
    }

    private void refuse(String path, RoutingResponse res, AuthException e, Map<String, Object> details) {
        if (e.status() == Status.UNAUTHORIZED_401 || e.status() == Status.FORBIDDEN_403) {
            res.header(HeaderNames.WWW_AUTHENTICATE, challenge(e));
        }
        if (path.startsWith("/mcp/")) {
            Json.send(res, e.status(), JsonRpc.error(null, JsonRpc.GATEWAY_ERROR, e.getMessage()));
        } else {
            Json.sendError(res, new ApiException(e.status(), e.code(), e.getMessage(), details));
        }
    }

    /**
     * RFC 6750 section 3, with RFC 9728's {@code resource_metadata} when OAuth is configured.
     *
     * @param e a 401 or 403 refusal
     * @return the {@code WWW-Authenticate} value
     */
    public String challenge(AuthException e) {
        StringBuilder value = new StringBuilder("Bearer");
        String separator = " ";
        if (settings.oauth().isPresent()) {
            value.append(separator).append("resource_metadata=\"").append(settings.oauth().get().metadataUrl())
                    .append('"');
            separator = ", ";
        } else {
            value.append(separator).append("realm=\"switchboard\"");
            separator = ", ";
        }
        if (e.bearerError() != null) {
            value.append(separator).append("error=\"").append(e.bearerError()).append('"');
            value.append(", error_description=\"").append(quotable(e.getMessage())).append('"');
        }
        if ("insufficient_scope".equals(e.bearerError())) {
            value.append(", scope=\"").append(String.join(" ", settings.oauth().orElseThrow().requiredScopes()))
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
