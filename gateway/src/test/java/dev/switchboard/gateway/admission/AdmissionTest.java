package dev.switchboard.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.ClientAuthenticator;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.ClientAddresses;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.net.RateLimiter;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.InMemoryFunctionStore;
import dev.switchboard.registry.RetryPolicy;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission pipeline on its own, without a listener: the order of its steps and the refusal each
 * step gives (status, code, message, details, headers), which both listeners render.
 */
class AdmissionTest {
    private static final String KEY = "sk-unit-0123456789abcdef0123456789abcdef";
    private static final SocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final SocketAddress OTHER_PEER = new InetSocketAddress("127.0.0.2", 40000);
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final PeriodicWork work = new PeriodicWork("test-periodic-work");
    private final FunctionCatalog catalog = new FunctionCatalog(new InMemoryFunctionStore(Clock.systemUTC()), work);

    @AfterEach
    void closeCatalog() {
        catalog.close();
        work.close();
    }

    /** API keys required; a per-address burst and a per-identity burst of {@code burst}, refilling slowly. */
    private Admission admission(int addressBurst, int identityBurst) {
        AuthSettings settings = new AuthSettings(
                Set.of(ClientAuth.API_KEY),
                List.of("ci-bot:" + sha256(KEY)),
                Optional.empty(),
                Optional.empty(),
                identityBurst > 0 ? 0.001 : 0,
                Math.max(1, identityBurst),
                10);
        Optional<AddressRateLimit> perAddress = addressBurst > 0
                ? Optional.of(new AddressRateLimit(
                        new RateLimiter(0.001, addressBurst, System::nanoTime),
                        ClientAddresses.trusting(List.of()),
                        "0.001/s (burst 1)"))
                : Optional.empty();
        return new Admission(perAddress, settings, ClientAuthenticator.of(settings), catalog, metrics);
    }

    private static Headers headers(String... namesAndValues) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.set(HeaderNames.create(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return headers;
    }

    private static Headers withKey() {
        return headers("Authorization", "Bearer " + KEY);
    }

    private static Refusal refusal(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Verdict.Refused.class);
        return ((Verdict.Refused) verdict).refusal();
    }

    @Test
    void aValidCredentialIsAdmittedWithItsIdentity() {
        Verdict verdict = admission(0, 0).admit("GET", "/sse/c1", PEER, withKey());

        assertThat(verdict).isInstanceOf(Verdict.Admitted.class);
        Identity identity = ((Verdict.Admitted) verdict).identity();
        assertThat(identity.isAnonymous()).isFalse();
        assertThat(identity.method()).isEqualTo(ClientAuth.API_KEY);
    }

    @Test
    void missingAndBadCredentialsAre401sWithTheChallengeAndAreCounted() {
        Admission admission = admission(0, 0);

        Refusal missing = refusal(admission.admit("GET", "/sse/c1", PEER, headers()));
        assertThat(missing.status()).isEqualTo(Status.UNAUTHORIZED_401);
        assertThat(missing.code()).isEqualTo("UNAUTHORIZED");
        assertThat(missing.message()).isEqualTo("authentication required: present api-key credentials");
        assertThat(missing.details()).isEmpty();
        assertThat(missing.headers()).containsExactly(Map.entry("WWW-Authenticate", "Bearer realm=\"switchboard\""));

        Refusal bad = refusal(admission.admit("GET", "/sse/c1", PEER, headers("Authorization", "Bearer nope")));
        assertThat(bad.status()).isEqualTo(Status.UNAUTHORIZED_401);
        assertThat(bad.code()).isEqualTo("INVALID_CREDENTIALS");
        assertThat(bad.headers().get("WWW-Authenticate")).startsWith("Bearer realm=\"switchboard\", error=\"");
        assertThat(bad.error().code())
                .as("the JSON error carries the same code")
                .isEqualTo("INVALID_CREDENTIALS");

        assertThat(metrics.scrape()).contains("code=\"UNAUTHORIZED\"").contains("code=\"INVALID_CREDENTIALS\"");
    }

    @Test
    void preflightsPassWithoutCredentialsButNotPastThePerAddressLimit() {
        Admission admission = admission(1, 0);
        Headers preflight = headers("Origin", "https://app.example", "Access-Control-Request-Method", "GET");

        assertThat(admission.isPreflight("OPTIONS", preflight)).isTrue();
        assertThat(admission.admit("OPTIONS", "/sse/c1", PEER, preflight)).isSameAs(Verdict.PREFLIGHT);
        Refusal limited = refusal(admission.admit("OPTIONS", "/sse/c1", PEER, preflight));
        assertThat(limited.code()).as("the per-address limit comes first").isEqualTo("RATE_LIMITED");
        assertThat(admission.isPreflight("OPTIONS", headers("Origin", "https://app.example")))
                .as("an OPTIONS without Access-Control-Request-Method is no preflight")
                .isFalse();
    }

    @Test
    void thePerAddressLimitRefusesBeforeAuthenticationWithRetryAfter() {
        Admission admission = admission(1, 0);

        assertThat(admission.admit("GET", "/sse/c1", PEER, withKey())).isInstanceOf(Verdict.Admitted.class);
        Refusal limited = refusal(admission.admit("GET", "/sse/c1", PEER, headers("Authorization", "Bearer nope")));
        assertThat(limited.status()).isEqualTo(Status.TOO_MANY_REQUESTS_429);
        assertThat(limited.code())
                .as("no credential is checked for a client over its budget")
                .isEqualTo("RATE_LIMITED");
        assertThat(limited.message()).startsWith("more than 0.001/s (burst 1) requests from this address");
        long seconds = (Long) limited.details().get("retry_after_seconds");
        assertThat(seconds).isPositive();
        assertThat(limited.headers()).containsExactly(Map.entry("Retry-After", String.valueOf(seconds)));
        assertThat(admission.admit("GET", "/sse/c1", OTHER_PEER, withKey()))
                .as("another address has its own budget")
                .isInstanceOf(Verdict.Admitted.class);
        assertThat(metrics.scrape())
                .containsPattern("switchboard_requests_rate_limited_total\\{by=\"address\"[^}]*\\} 1\\.0");
    }

    @Test
    void thePerIdentityLimitComesAfterAuthentication() {
        Admission admission = admission(0, 1);

        assertThat(admission.admit("GET", "/sse/c1", PEER, withKey())).isInstanceOf(Verdict.Admitted.class);
        Refusal limited = refusal(admission.admit("GET", "/sse/c2", OTHER_PEER, withKey()));
        assertThat(limited.status()).isEqualTo(Status.TOO_MANY_REQUESTS_429);
        assertThat(limited.code()).isEqualTo("RATE_LIMITED");
        assertThat(limited.message()).as("from any address").contains("from this identity");
        assertThat(limited.headers()).containsKey("Retry-After");
        assertThat(limited.details()).containsKey("retry_after_seconds");
        assertThat(refusal(admission.admit("GET", "/sse/c1", PEER, headers())).code())
                .as("no identity, no identity budget: the credential is still required")
                .isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aFunctionsOwnRuleAndPublicPathsDecideWhatIsRequired() {
        Admission admission = admission(0, 0);
        catalog.put(registration("open", ClientAuth.NONE));
        catalog.put(registration("jwt-only", ClientAuth.JWT));

        Verdict open = admission.admit("POST", "/invoke/open", PEER, headers());
        assertThat(open).isEqualTo(new Verdict.Admitted(Identity.ANONYMOUS));
        assertThat(admission.admit("GET", "/.well-known/oauth-protected-resource", PEER, headers()))
                .isEqualTo(new Verdict.Admitted(Identity.ANONYMOUS));
        assertThat(admission.admit("POST", "/publish/news", PEER, headers()))
                .as("the publish route checks its own grant")
                .isEqualTo(new Verdict.Admitted(Identity.ANONYMOUS));

        Refusal cannotCheck = refusal(admission.admit("POST", "/mcp/jwt-only", PEER, withKey()));
        assertThat(cannotCheck.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
        assertThat(cannotCheck.code()).isEqualTo("AUTH_NOT_CONFIGURED");
        assertThat(cannotCheck.headers()).as("a 503 carries no challenge").isEmpty();
    }

    private static FunctionRegistration registration(String name, ClientAuth auth) {
        return new FunctionRegistration(
                name,
                FunctionKind.HTTP,
                URI.create("http://127.0.0.1:9/" + name),
                "POST",
                Duration.ofSeconds(10),
                Map.of(),
                "",
                Optional.empty(),
                0,
                RetryPolicy.NONE,
                auth,
                Optional.empty(),
                Instant.EPOCH,
                Instant.EPOCH,
                1);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
