package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.auth.AuthException;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.ClientAuthenticator;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.RateLimiter;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one admission pipeline of client requests, whichever listener they arrive on: the per-address
 * rate limit ({@code RATE_LIMIT_PER_IP}), then CORS preflights (let through without credentials, which
 * browsers never send with them), then authentication ({@code CLIENT_AUTH} or the function's own rule),
 * then the per-identity rate limit ({@code RATE_LIMIT_PER_IDENTITY}). It answers with a {@link Verdict};
 * refusals are counted here and rendered by the caller (the public listener writes its own bytes, with the route's
 * CORS headers and, under {@code /mcp/}, a JSON-RPC body). Connection caps at accept live beside it in
 * {@link AddressLimits}. The budgets are shared: a client has one per address and one per identity on a
 * replica, whichever port of the public listener it uses.
 */
public final class Admission {
    private final Optional<AddressRateLimit> perAddress;
    private final Authentication authentication;
    private final Optional<RateLimiter> perIdentity;
    private final AuthSettings settings;
    private final GatewayMetrics metrics;

    /**
     * @param perAddress    the per-address limit, when configured
     * @param settings      the authentication settings (with the per-identity limit)
     * @param authenticator the credential checks
     * @param catalog       registrations, for their {@code auth} rules
     * @param metrics       counts refusals
     */
    public Admission(
            Optional<AddressRateLimit> perAddress,
            AuthSettings settings,
            ClientAuthenticator authenticator,
            FunctionCatalog catalog,
            GatewayMetrics metrics) {
        this.perAddress = perAddress;
        this.authentication = new Authentication(settings, authenticator, catalog);
        this.settings = settings;
        this.metrics = metrics;
        this.perIdentity = settings.perIdentityPerSecond() > 0
                ? Optional.of(
                        new RateLimiter(settings.perIdentityPerSecond(), settings.identityBurst(), System::nanoTime))
                : Optional.empty();
    }

    /**
     * The whole pipeline, for a listener that runs it in one place.
     *
     * @param method  the request method
     * @param path    the request path
     * @param peer    the TCP peer
     * @param headers the request's headers
     * @return the verdict
     */
    public Verdict admit(String method, String path, SocketAddress peer, Headers headers) {
        Optional<Refusal> overAddress = perAddress(peer, headers);
        if (overAddress.isPresent()) {
            return new Verdict.Refused(overAddress.get());
        }
        return credentials(method, path, headers);
    }

    /**
     * The first step alone: takes one request from its address's budget.
     *
     * @param peer    the TCP peer
     * @param headers the request's headers ({@code X-Forwarded-For} from a trusted proxy)
     * @return the 429 when the address is over its limit (counted), else empty
     */
    public Optional<Refusal> perAddress(SocketAddress peer, Headers headers) {
        if (perAddress.isEmpty()) {
            return Optional.empty();
        }
        long waitNanos = perAddress.get().waitNanos(peer, headers);
        if (waitNanos == 0) {
            return Optional.empty();
        }
        metrics.rateLimited(false);
        return Optional.of(perAddress.get().refusal(retryAfterSeconds(waitNanos)));
    }

    /**
     * The steps after the per-address limit: preflight, authentication, per-identity limit.
     *
     * @param method  the request method
     * @param path    the request path
     * @param headers the request's headers
     * @return the verdict
     */
    public Verdict credentials(String method, String path, Headers headers) {
        if (isPreflight(method, headers)) {
            return Verdict.PREFLIGHT;
        }
        if (path.startsWith("/.well-known/")) {
            return new Verdict.Admitted(Identity.ANONYMOUS); // public metadata
        }
        Identity identity;
        try {
            identity = authentication.check(path, headers);
        } catch (AuthException e) {
            metrics.authRefused(e.code());
            boolean challenge = e.status() == Status.UNAUTHORIZED_401 || e.status() == Status.FORBIDDEN_403;
            return new Verdict.Refused(new Refusal(
                    e.status(),
                    e.code(),
                    e.getMessage(),
                    Map.of(),
                    challenge ? Map.of("WWW-Authenticate", authentication.challenge(e)) : Map.of()));
        }
        if (perIdentity.isEmpty() || identity.isAnonymous()) {
            return new Verdict.Admitted(identity);
        }
        long waitNanos = perIdentity.get().acquire(identity.scope());
        if (waitNanos == 0) {
            return new Verdict.Admitted(identity);
        }
        metrics.rateLimited(true);
        long seconds = retryAfterSeconds(waitNanos);
        return new Verdict.Refused(new Refusal(
                Status.TOO_MANY_REQUESTS_429,
                "RATE_LIMITED",
                "more than " + settings.perIdentityPerSecond() + " requests a second (burst " + settings.identityBurst()
                        + ") from this identity; retry after " + seconds + " s",
                Map.of("retry_after_seconds", seconds),
                Map.of("Retry-After", String.valueOf(seconds))));
    }

    /**
     * @param method  the request method
     * @param headers the request's headers
     * @return whether it is a CORS preflight, which passes without credentials
     */
    public boolean isPreflight(String method, Headers headers) {
        return CorsPolicy.isPreflight(method, headers);
    }

    /**
     * @param waitNanos how long until a limited request could pass
     * @return whole seconds for {@code Retry-After}, at least 1
     */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
    }
}
