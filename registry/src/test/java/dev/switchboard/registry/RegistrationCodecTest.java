package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistrationCodecTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static FunctionRegistration full() {
        return new FunctionRegistration(
                "resize-image",
                FunctionKind.HTTP,
                URI.create("https://fn.example.com/resize?v=2"),
                "PUT",
                Duration.ofMillis(1500),
                Map.of("Authorization", "Bearer s3cret", "X-Tenant", "acme"),
                "Resizes images",
                Optional.of(new HealthCheck("/healthz", Duration.ofSeconds(45))),
                8,
                new RetryPolicy(2, Duration.ofMillis(250)),
                ClientAuth.JWT,
                Optional.of(new RegistrationOwner("0b7e7c1e-uid", "gw-a")),
                Instant.parse("2024-01-02T03:04:05.123456789Z"),
                Instant.parse("2024-02-03T04:05:06Z"),
                17);
    }

    @Test
    void roundTripPreservesEverything() {
        FunctionRegistration original = full();

        FunctionRegistration decoded = RegistrationCodec.decode(RegistrationCodec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.headers()).containsEntry("Authorization", "Bearer s3cret");
        assertThat(decoded.healthCheck()).contains(new HealthCheck("/healthz", Duration.ofSeconds(45)));
        assertThat(decoded.createdAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456789Z"));
        assertThat(decoded.revision()).isEqualTo(17);
        assertThat(decoded.maxConcurrency()).isEqualTo(8);
        assertThat(decoded.retry()).isEqualTo(new RetryPolicy(2, Duration.ofMillis(250)));
        assertThat(decoded.auth()).isEqualTo(ClientAuth.JWT);
        assertThat(decoded.owner()).contains(new RegistrationOwner("0b7e7c1e-uid", "gw-a"));
    }

    @Test
    void theAdminApiCannotClaimAnOwner() {
        // a GET-edit-PUT round trip sends the owner back: accepted as read-only, never taken from user input,
        // so nobody can make the operator's sweep remove a registration made by hand
        var json = RegistrationCodec.toJson(full(), false);

        assertThat(RegistrationValidator.validate(json, Instant.EPOCH).owner()).isEmpty();
    }

    @Test
    void roundTripOfMinimalRegistration() {
        FunctionRegistration original = new FunctionRegistration(
                "echo",
                FunctionKind.HTTP,
                URI.create("http://echo:8080/"),
                "POST",
                Duration.ofSeconds(30),
                Map.of(),
                null,
                Optional.empty(),
                0,
                RetryPolicy.NONE,
                ClientAuth.DEFAULT,
                Optional.empty(),
                Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2024-01-01T00:00:00Z"),
                1);

        FunctionRegistration decoded = RegistrationCodec.decode(RegistrationCodec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.healthCheck()).isEmpty();
        assertThat(decoded.description()).isEmpty();
    }

    @Test
    void storedFormUsesSnakeCaseFieldsAndHumanDurations() throws Exception {
        JsonNode json = MAPPER.readTree(RegistrationCodec.encode(full()));

        assertThat(json.get("name").asText()).isEqualTo("resize-image");
        assertThat(json.get("kind").asText()).isEqualTo("http");
        assertThat(json.get("endpoint").asText()).isEqualTo("https://fn.example.com/resize?v=2");
        assertThat(json.get("timeout").asText()).isEqualTo("1500ms");
        assertThat(json.get("health_check").get("path").asText()).isEqualTo("/healthz");
        assertThat(json.get("health_check").get("interval").asText()).isEqualTo("45s");
        assertThat(json.get("created_at").asText()).isEqualTo("2024-01-02T03:04:05.123456789Z");
        assertThat(json.get("updated_at").asText()).isEqualTo("2024-02-03T04:05:06Z");
        assertThat(json.get("revision").asLong()).isEqualTo(17);
        assertThat(json.get("headers").get("Authorization").asText()).isEqualTo("Bearer s3cret");
    }

    @Test
    void maskedJsonHidesHeaderValuesButKeepsNames() {
        ObjectNode masked = RegistrationCodec.toJson(full(), true);

        JsonNode headers = masked.get("headers");
        assertThat(headers.size()).isEqualTo(2);
        assertThat(headers.get("Authorization").asText()).isEqualTo(RegistrationCodec.MASK);
        assertThat(headers.get("X-Tenant").asText()).isEqualTo(RegistrationCodec.MASK);
        assertThat(masked.toString()).doesNotContain("s3cret").doesNotContain("acme");
        // everything else is still shown
        assertThat(masked.get("name").asText()).isEqualTo("resize-image");
        assertThat(masked.get("revision").asLong()).isEqualTo(17);
    }

    @Test
    void unmaskedJsonShowsHeaderValues() {
        ObjectNode json = RegistrationCodec.toJson(full(), false);
        assertThat(json.get("headers").get("X-Tenant").asText()).isEqualTo("acme");
    }

    @Test
    void decodeValidatesTheStoredForm() {
        assertThatThrownBy(() -> RegistrationCodec.decode("not json")).isInstanceOf(InvalidRegistrationException.class);
        assertThatThrownBy(() -> RegistrationCodec.decode("{\"name\":\"Bad\",\"endpoint\":\"https://x.example\"}"))
                .isInstanceOfSatisfying(
                        InvalidRegistrationException.class,
                        e -> assertThat(e.field()).isEqualTo("name"));
    }
}
