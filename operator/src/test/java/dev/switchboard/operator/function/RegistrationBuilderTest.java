package dev.switchboard.operator.function;

import static dev.switchboard.operator.function.TestResources.fromSecret;
import static dev.switchboard.operator.function.TestResources.function;
import static dev.switchboard.operator.function.TestResources.literal;
import static dev.switchboard.operator.function.TestResources.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.operator.model.HealthCheckSpec;
import dev.switchboard.operator.model.RetrySpec;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.registry.ClientAuth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationBuilderTest {
    private static final SecretValues SECRETS =
            SecretValues.of(List.of(secret("ns", "creds", Map.of("token", "Bearer abc", "multi", "s3cr\net"))));

    @Test
    void writesTheSpecAsTheRegistrationJsonTheGatewayReads() throws NotReadyException {
        ServerlessFunction fn = function(
                "ns",
                "fn",
                "gw",
                "https://f.example/x",
                literal("X-Static", "1"),
                fromSecret("Authorization", "creds", "token"));
        HealthCheckSpec check = new HealthCheckSpec();
        check.setPath("/healthz");
        fn.getSpec().setHealthCheck(check);
        RetrySpec retry = new RetrySpec();
        retry.setAttempts(3);
        fn.getSpec().setRetry(retry);

        ObjectNode json = RegistrationBuilder.toJson(fn, SECRETS);

        assertThat(json.get("name").asText()).isEqualTo("fn");
        assertThat(json.get("kind").asText()).isEqualTo("http");
        assertThat(json.get("method").asText()).isEqualTo("POST");
        assertThat(json.get("timeout").asText()).isEqualTo("30s");
        assertThat(json.get("headers").get("Authorization").asText()).isEqualTo("Bearer abc");
        assertThat(json.get("health_check").get("path").asText()).isEqualTo("/healthz");
        assertThat(json.get("health_check").has("interval")).isFalse();
        assertThat(json.get("retry").get("attempts").asInt()).isEqualTo(3);
        assertThat(json.has("max_concurrency")).isFalse();
        assertThat(json.has("auth"))
                .as("the gateway's rule unless the resource says otherwise")
                .isFalse();
        assertThat(RegistrationBuilder.build(fn, SECRETS, Instant.EPOCH).retry().attempts())
                .isEqualTo(3);
    }

    @Test
    void carriesTheFunctionsAuthRule() throws NotReadyException {
        ServerlessFunction fn = function("ns", "fn", "gw", "https://f.example/");
        fn.getSpec().setAuth(ServerlessFunctionSpec.Auth.API_KEY);
        assertThat(RegistrationBuilder.build(fn, SECRETS, Instant.EPOCH).auth()).isEqualTo(ClientAuth.API_KEY);
        fn.getSpec().setAuth(ServerlessFunctionSpec.Auth.NONE);
        assertThat(RegistrationBuilder.build(fn, SECRETS, Instant.EPOCH).auth()).isEqualTo(ClientAuth.NONE);
        fn.getSpec().setAuth(ServerlessFunctionSpec.Auth.JWT);
        assertThat(RegistrationBuilder.toJson(fn, SECRETS).get("auth").asText()).isEqualTo("jwt");
    }

    @Test
    void refusesOneHeaderNamedTwice() {
        ServerlessFunction fn = function(
                "ns",
                "fn",
                "gw",
                "https://f.example/",
                literal("Authorization", "a"),
                fromSecret("authorization", "creds", "token"));
        assertThatThrownBy(() -> RegistrationBuilder.build(fn, SECRETS, Instant.EPOCH))
                .isInstanceOfSatisfying(NotReadyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reasons.INVALID_SPEC);
                    assertThat(e.getMessage()).isEqualTo("spec.headers[authorization]: repeated header");
                });
    }

    @Test
    void reportsASecretValueTheRegistryRefusesWithoutPrintingIt() {
        ServerlessFunction fn = function("ns", "fn", "gw", "https://f.example/", fromSecret("X-Key", "creds", "multi"));
        assertThatThrownBy(() -> RegistrationBuilder.build(fn, SECRETS, Instant.EPOCH))
                .isInstanceOfSatisfying(NotReadyException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reasons.INVALID_SPEC);
                    assertThat(e.getMessage())
                            .startsWith("spec.headers[X-Key]: ")
                            .doesNotContain("s3cr");
                });
    }

    @Test
    void namesTheResourceFieldForARegistryField() {
        assertThat(RegistrationBuilder.specPath("name")).isEqualTo("metadata.name");
        assertThat(RegistrationBuilder.specPath("endpoint")).isEqualTo("spec.endpoint");
        assertThat(RegistrationBuilder.specPath("health_check.interval")).isEqualTo("spec.healthCheck.interval");
        assertThat(RegistrationBuilder.specPath("max_concurrency")).isEqualTo("spec.maxConcurrency");
        assertThat(RegistrationBuilder.specPath("headers.X-Request-ID")).isEqualTo("spec.headers[X-Request-ID]");
    }
}
