package dev.switchboard.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a registration, shared by the Redis store (full) and the admin API (headers masked).
 * Field names follow the original project: snake_case.
 */
public final class RegistrationCodec {
    /** What the admin API prints instead of a header's value. */
    public static final String MASK = "******";

    private static final ObjectMapper MAPPER = JsonMapper.MAPPER;

    private RegistrationCodec() {}

    /**
     * @param registration the registration
     * @param maskHeaders  replace header values with {@link #MASK} (anything shown to people)
     * @return its JSON form
     */
    public static ObjectNode toJson(FunctionRegistration registration, boolean maskHeaders) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("name", registration.name());
        json.put("kind", registration.kind().wireName());
        json.put("endpoint", registration.endpoint().toString());
        json.put("method", registration.method());
        json.put("timeout", Durations.format(registration.timeout()));
        ObjectNode headers = json.putObject("headers");
        for (Map.Entry<String, String> e : registration.headers().entrySet()) {
            headers.put(e.getKey(), maskHeaders ? MASK : e.getValue());
        }
        json.put("description", registration.description());
        registration.healthCheck().ifPresent(hc -> {
            ObjectNode check = json.putObject("health_check");
            check.put("path", hc.path());
            check.put("interval", Durations.format(hc.interval()));
        });
        if (registration.maxConcurrency() > 0) {
            json.put("max_concurrency", registration.maxConcurrency());
        }
        if (registration.retry().attempts() > 0) {
            ObjectNode retry = json.putObject("retry");
            retry.put("attempts", registration.retry().attempts());
            retry.put("backoff", Durations.format(registration.retry().backoff()));
        }
        if (registration.auth() != ClientAuth.DEFAULT) {
            json.put("auth", registration.auth().wireName());
        }
        registration.owner().ifPresent(owner -> {
            ObjectNode written = json.putObject("owner");
            written.put("uid", owner.uid());
            written.put("gateway", owner.gateway());
        });
        json.put("created_at", registration.createdAt().toString());
        json.put("updated_at", registration.updatedAt().toString());
        json.put("revision", registration.revision());
        return json;
    }

    /**
     * @param registration the registration
     * @return the stored form (unmasked)
     */
    public static String encode(FunctionRegistration registration) {
        try {
            return MAPPER.writeValueAsString(toJson(registration, false));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the stored form, validated as user input is.
     *
     * @param stored the stored JSON
     * @return the registration with its bookkeeping
     */
    public static FunctionRegistration decode(String stored) {
        JsonNode json;
        try {
            json = MAPPER.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new InvalidRegistrationException("body", "stored registration is not JSON");
        }
        FunctionRegistration parsed = RegistrationValidator.validate(json, Instant.EPOCH);
        Instant created = instant(json, "created_at");
        Instant updated = instant(json, "updated_at");
        long revision = json.path("revision").asLong(0);
        FunctionRegistration registration = parsed.stored(revision, created, updated);
        return owner(json.get("owner")).map(registration::withOwner).orElse(registration);
    }

    /** The owner is bookkeeping the admin API cannot set (the validator ignores it): read it only here. */
    private static Optional<RegistrationOwner> owner(JsonNode node) {
        if (node == null
                || !node.isObject()
                || !node.path("uid").isTextual()
                || !node.path("gateway").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new RegistrationOwner(
                node.get("uid").asText(), node.get("gateway").asText()));
    }

    private static Instant instant(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || !node.isTextual() ? Instant.EPOCH : Instant.parse(node.asText());
    }
}
