package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationValidatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static ObjectNode minimal() {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("name", "echo");
        json.put("endpoint", "https://fn.example.com/echo");
        return json;
    }

    private static ObjectNode with(Consumer<ObjectNode> change) {
        ObjectNode json = minimal();
        change.accept(json);
        return json;
    }

    /** Asserts that validation fails and names {@code field}. */
    private static InvalidRegistrationException assertRejected(ObjectNode json, String field) {
        InvalidRegistrationException e = catchThrowableOfType(
                InvalidRegistrationException.class, () -> RegistrationValidator.validate(json, NOW));
        assertThat(e).as("validation of %s", json).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + ": ");
        return e;
    }

    @Test
    void minimalRegistrationGetsDefaults() {
        FunctionRegistration reg = RegistrationValidator.validate(minimal(), NOW);

        assertThat(reg.name()).isEqualTo("echo");
        assertThat(reg.kind()).isEqualTo(FunctionKind.HTTP);
        assertThat(reg.endpoint()).isEqualTo(URI.create("https://fn.example.com/echo"));
        assertThat(reg.method()).isEqualTo("POST");
        assertThat(reg.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(reg.headers()).isEmpty();
        assertThat(reg.description()).isEmpty();
        assertThat(reg.healthCheck()).isEmpty();
        assertThat(reg.createdAt()).isEqualTo(NOW);
        assertThat(reg.updatedAt()).isEqualTo(NOW);
        assertThat(reg.revision()).isZero();
    }

    @Test
    void fullRegistrationIsRead() {
        ObjectNode json = minimal();
        json.put("kind", "HTTP");
        json.put("method", "put");
        json.put("timeout", "1m30s");
        json.putObject("headers").put("Authorization", "Bearer t0k3n").put("X-Tenant", "acme");
        json.put("description", "echoes its input");
        json.putObject("health_check").put("path", "/healthz").put("interval", "10s");

        FunctionRegistration reg = RegistrationValidator.validate(json, NOW);

        assertThat(reg.kind()).isEqualTo(FunctionKind.HTTP);
        assertThat(reg.method()).isEqualTo("PUT");
        assertThat(reg.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(reg.headers())
                .containsOnly(
                        org.assertj.core.api.Assertions.entry("Authorization", "Bearer t0k3n"),
                        org.assertj.core.api.Assertions.entry("X-Tenant", "acme"));
        assertThat(reg.description()).isEqualTo("echoes its input");
        assertThat(reg.healthCheck()).contains(new HealthCheck("/healthz", Duration.ofSeconds(10)));
    }

    @Test
    void healthCheckWithoutIntervalUsesDefault() {
        FunctionRegistration reg = RegistrationValidator.validate(
                with(j -> j.putObject("health_check").put("path", "/health")), NOW);
        assertThat(reg.healthCheck()).contains(new HealthCheck("/health", HealthCheck.DEFAULT_INTERVAL));
    }

    @Test
    void timeoutAsNumberIsSeconds() {
        assertThat(RegistrationValidator.validate(with(j -> j.put("timeout", 45)), NOW)
                        .timeout())
                .isEqualTo(Duration.ofSeconds(45));
        assertThat(RegistrationValidator.validate(with(j -> j.put("timeout", 2.5)), NOW)
                        .timeout())
                .isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void timeoutBoundsAreInclusive() {
        assertThat(RegistrationValidator.validate(with(j -> j.put("timeout", "15m")), NOW)
                        .timeout())
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(RegistrationValidator.validate(with(j -> j.put("timeout", "1ms")), NOW)
                        .timeout())
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void readOnlyFieldsAreAcceptedAndIgnored() {
        ObjectNode json = minimal();
        json.put("created_at", "2020-01-01T00:00:00Z");
        json.put("updated_at", "2020-01-02T00:00:00Z");
        json.put("revision", 42);
        json.put("is_active", false);
        json.put("health_status", "unhealthy");

        FunctionRegistration reg = RegistrationValidator.validate(json, NOW);

        assertThat(reg.createdAt()).isEqualTo(NOW);
        assertThat(reg.updatedAt()).isEqualTo(NOW);
        assertThat(reg.revision()).isZero();
    }

    @Test
    void rejectsNonObjectBody() {
        InvalidRegistrationException e = catchThrowableOfType(
                InvalidRegistrationException.class,
                () -> RegistrationValidator.validate(MAPPER.createArrayNode(), NOW));
        assertThat(e).isNotNull();
        assertThat(e.field()).isEqualTo("body");
    }

    @Test
    void rejectsMissingName() {
        ObjectNode json = minimal();
        json.remove("name");
        assertRejected(json, "name");
        assertRejected(with(j -> j.put("name", "  ")), "name");
        assertRejected(with(j -> j.putNull("name")), "name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Echo", "-echo", "echo-", "ec_ho", "ec.ho"})
    void rejectsBadName(String name) {
        assertRejected(with(j -> j.put("name", name)), "name");
    }

    @Test
    void nameLengthLimitIs63() {
        assertThat(RegistrationValidator.validate(with(j -> j.put("name", "a".repeat(63))), NOW)
                        .name())
                .hasSize(63);
        assertRejected(with(j -> j.put("name", "a".repeat(64))), "name");
    }

    @Test
    void rejectsNonStringName() {
        assertRejected(with(j -> j.put("name", 12)), "name");
    }

    @Test
    void rejectsMissingEndpoint() {
        ObjectNode json = minimal();
        json.remove("endpoint");
        assertRejected(json, "endpoint");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/relative/path",
                "fn.example.com/echo",
                "ftp://fn.example.com/echo",
                "https://user:pw@fn.example.com/echo",
                "https://fn.example.com/echo#frag",
                "https:///no-host",
                "http://bad host/",
                "http://127.0.0.1:65536/",
                "http://127.0.0.1:0/",
                "http://127.0.0.1:99999999999/"
            })
    void rejectsBadEndpoint(String endpoint) {
        assertRejected(with(j -> j.put("endpoint", endpoint)), "endpoint");
    }

    @Test
    void acceptsPlainHttpEndpointWithPortAndQuery() {
        FunctionRegistration reg =
                RegistrationValidator.validate(with(j -> j.put("endpoint", "http://10.0.0.5:8080/fn?x=1")), NOW);
        assertThat(reg.endpoint()).isEqualTo(URI.create("http://10.0.0.5:8080/fn?x=1"));
    }

    @Test
    void rejectsUnknownMethod() {
        assertRejected(with(j -> j.put("method", "FOO")), "method");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "16m", "1h", "abc"})
    void rejectsTimeoutOutOfBoundsOrUnparsable(String timeout) {
        assertRejected(with(j -> j.put("timeout", timeout)), "timeout");
    }

    @Test
    void rejectsTimeoutOfWrongType() {
        assertRejected(with(j -> j.put("timeout", true)), "timeout");
        assertRejected(with(j -> j.put("timeout", 0)), "timeout");
    }

    @Test
    void rejectsHeadersThatAreNotAnObject() {
        assertRejected(with(j -> j.put("headers", "Authorization: x")), "headers");
        assertRejected(with(j -> j.putArray("headers").add("x")), "headers");
    }

    @Test
    void rejectsNonStringHeaderValue() {
        assertRejected(with(j -> j.putObject("headers").put("X-Count", 3)), "headers.X-Count");
    }

    @Test
    void rejectsHeaderValueWithLineBreak() {
        assertRejected(with(j -> j.putObject("headers").put("X-Evil", "a\r\nX-Injected: 1")), "headers.X-Evil");
        assertRejected(with(j -> j.putObject("headers").put("X-Evil", "a\nb")), "headers.X-Evil");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Host",
                "host",
                "X-Request-ID",
                "x-request-id",
                "Content-Length",
                "X-Client-Id",
                "X-Switchboard-Subject",
                "x-switchboard-auth"
            })
    void rejectsReservedHeader(String header) {
        assertRejected(with(j -> j.putObject("headers").put(header, "v")), "headers." + header);
    }

    @Test
    void rejectsInvalidHeaderName() {
        assertRejected(with(j -> j.putObject("headers").put("Bad Header", "v")), "headers.Bad Header");
    }

    @Test
    void authRuleDefaultsToTheGatewaysAndRejectsUnknownOnes() {
        assertThat(RegistrationValidator.validate(with(j -> {}), NOW).auth()).isEqualTo(ClientAuth.DEFAULT);
        assertThat(RegistrationValidator.validate(with(j -> j.put("auth", "none")), NOW)
                        .auth())
                .isEqualTo(ClientAuth.NONE);
        assertThat(RegistrationValidator.validate(with(j -> j.put("auth", "API-KEY")), NOW)
                        .auth())
                .isEqualTo(ClientAuth.API_KEY);
        assertRejected(with(j -> j.put("auth", "basic")), "auth");
        assertRejected(with(j -> j.put("auth", 1)), "auth");
    }

    @Test
    void rejectsUnknownField() {
        assertRejected(with(j -> j.put("endpont", "https://typo.example.com")), "endpont");
    }

    @Test
    void acceptsMcpKindAndRejectsOthers() {
        assertThat(RegistrationValidator.validate(with(j -> j.put("kind", "MCP")), NOW)
                        .kind())
                .isEqualTo(FunctionKind.MCP);
        assertRejected(with(j -> j.put("kind", "grpc")), "kind");
    }

    @Test
    void rejectsUnknownHealthCheckFields() {
        assertRejected(
                with(j -> j.putObject("health_check").put("path", "/h").put("timeout", "1s")), "health_check.timeout");
    }

    @Test
    void maxConcurrencyIsABoundedInteger() {
        assertThat(RegistrationValidator.validate(with(j -> j.put("max_concurrency", 4)), NOW)
                        .maxConcurrency())
                .isEqualTo(4);
        assertThat(RegistrationValidator.validate(with(j -> {}), NOW).maxConcurrency())
                .isZero();
        assertRejected(with(j -> j.put("max_concurrency", 0)), "max_concurrency");
        assertRejected(with(j -> j.put("max_concurrency", 1.5)), "max_concurrency");
        assertRejected(with(j -> j.put("max_concurrency", "4")), "max_concurrency");
        assertRejected(
                with(j -> j.put("max_concurrency", RegistrationValidator.MAX_CONCURRENCY + 1)), "max_concurrency");
    }

    @Test
    void retryPolicyIsValidated() {
        assertThat(RegistrationValidator.validate(
                                with(j ->
                                        j.putObject("retry").put("attempts", 3).put("backoff", "200ms")),
                                NOW)
                        .retry())
                .isEqualTo(new RetryPolicy(3, Duration.ofMillis(200)));
        assertThat(RegistrationValidator.validate(with(j -> j.putObject("retry").put("attempts", 2)), NOW)
                        .retry())
                .isEqualTo(new RetryPolicy(2, RetryPolicy.DEFAULT_BACKOFF));
        assertThat(RegistrationValidator.validate(with(j -> j.putObject("retry").put("attempts", 0)), NOW)
                        .retry())
                .isEqualTo(RetryPolicy.NONE);
        assertRejected(with(j -> j.putObject("retry")), "retry.attempts");
        assertRejected(with(j -> j.putObject("retry").put("attempts", 6)), "retry.attempts");
        assertRejected(with(j -> j.putObject("retry").put("attempts", 1).put("backoff", "1h")), "retry.backoff");
        assertRejected(with(j -> j.putObject("retry").put("attempts", 1).put("jitter", true)), "retry.jitter");
        assertRejected(with(j -> j.put("retry", 3)), "retry");
    }

    @Test
    void descriptionLengthLimit() {
        assertThat(RegistrationValidator.validate(
                                with(j ->
                                        j.put("description", "d".repeat(RegistrationValidator.MAX_DESCRIPTION_LENGTH))),
                                NOW)
                        .description())
                .hasSize(RegistrationValidator.MAX_DESCRIPTION_LENGTH);
        assertRejected(
                with(j -> j.put("description", "d".repeat(RegistrationValidator.MAX_DESCRIPTION_LENGTH + 1))),
                "description");
    }

    @Test
    void rejectsHealthCheckPathWithoutLeadingSlash() {
        assertRejected(with(j -> j.putObject("health_check").put("path", "healthz")), "health_check.path");
        assertRejected(with(j -> j.putObject("health_check").put("path", "/he alth")), "health_check.path");
        assertRejected(with(j -> j.putObject("health_check").put("interval", "10s")), "health_check.path");
    }

    @Test
    void rejectsHealthCheckThatIsNotAnObject() {
        assertRejected(with(j -> j.put("health_check", "/healthz")), "health_check");
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "2h", "soon"})
    void rejectsHealthCheckIntervalOutOfBounds(String interval) {
        assertRejected(
                with(j -> j.putObject("health_check").put("path", "/healthz").put("interval", interval)),
                "health_check.interval");
    }
}
