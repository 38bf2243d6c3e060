package dev.switchboard.operator.function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.operator.model.FunctionHeader;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.InvalidRegistrationException;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.RegistrationValidator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a ServerlessFunction into the registration the gateway reads. The spec is written as the same
 * snake_case JSON the admin API accepts and goes through {@link RegistrationValidator}, so a function
 * registered by the operator passes exactly the checks of one registered by hand.
 */
final class RegistrationBuilder {
    private RegistrationBuilder() {}

    /**
     * @param function the resource
     * @param secrets  Secrets its headers may read
     * @param now      creation time to stamp (the store keeps its own)
     * @return the validated registration, revision 0
     * @throws NotReadyException {@code SecretNotFound} or {@code InvalidSpec}
     */
    static FunctionRegistration build(ServerlessFunction function, SecretValues secrets, Instant now)
            throws NotReadyException {
        ObjectNode json = toJson(function, secrets);
        try {
            return RegistrationValidator.validate(json, now);
        } catch (InvalidRegistrationException e) {
            throw invalid(e);
        }
    }

    /**
     * @param function the resource
     * @param secrets  Secrets its headers may read
     * @return the registration's JSON, header values resolved
     * @throws NotReadyException {@code SecretNotFound}, or {@code InvalidSpec} for a repeated header name
     */
    static ObjectNode toJson(ServerlessFunction function, SecretValues secrets) throws NotReadyException {
        ServerlessFunctionSpec spec = function.getSpec();
        if (spec == null) {
            throw new NotReadyException(Reasons.INVALID_SPEC, "spec: required");
        }
        ObjectNode json = JsonMapper.MAPPER.createObjectNode();
        json.put("name", function.getMetadata().getName());
        if (spec.getKind() != null) {
            json.put("kind", spec.getKind().name().toLowerCase(Locale.ROOT));
        }
        json.put("endpoint", spec.getEndpoint());
        if (spec.getMethod() != null) {
            json.put("method", spec.getMethod().name());
        }
        if (spec.getTimeout() != null) {
            json.put("timeout", spec.getTimeout());
        }
        ObjectNode headers = json.putObject("headers");
        Set<String> seen = new HashSet<>();
        for (FunctionHeader header : References.headers(function)) {
            if (header.getName() == null) {
                throw new NotReadyException(Reasons.INVALID_SPEC, "spec.headers: every header needs a name");
            }
            // HTTP header names are case-insensitive: two spellings of one name would silently shadow each other.
            if (!seen.add(header.getName().toLowerCase(Locale.ROOT))) {
                throw invalid(new InvalidRegistrationException("headers." + header.getName(), "repeated header"));
            }
            var ref = References.secretRef(header);
            String value = ref.isPresent()
                    ? secrets.value(ref.get(), Reasons.SECRET_NOT_FOUND, "header " + header.getName())
                    : header.getValue();
            headers.put(header.getName(), value);
        }
        if (spec.getDescription() != null) {
            json.put("description", spec.getDescription());
        }
        if (spec.getHealthCheck() != null) {
            ObjectNode check = json.putObject("health_check");
            check.put("path", spec.getHealthCheck().getPath());
            if (spec.getHealthCheck().getInterval() != null) {
                check.put("interval", spec.getHealthCheck().getInterval());
            }
        }
        if (spec.getAuth() != null && spec.getAuth() != ServerlessFunctionSpec.Auth.DEFAULT) {
            json.put(
                    "auth",
                    spec.getAuth() == ServerlessFunctionSpec.Auth.API_KEY
                            ? "api-key"
                            : spec.getAuth().name().toLowerCase(Locale.ROOT));
        }
        if (spec.getMaxConcurrency() != null) {
            json.put("max_concurrency", spec.getMaxConcurrency());
        }
        if (spec.getRetry() != null) {
            ObjectNode retry = json.putObject("retry");
            if (spec.getRetry().getAttempts() != null) {
                retry.put("attempts", spec.getRetry().getAttempts());
            }
            if (spec.getRetry().getBackoff() != null) {
                retry.put("backoff", spec.getRetry().getBackoff());
            }
        }
        return json;
    }

    /** Reports the validator's complaint against the resource's own field path, which is what users edit. */
    private static NotReadyException invalid(InvalidRegistrationException e) {
        String field = e.field();
        String message =
                e.getMessage().startsWith(field + ": ") ? e.getMessage().substring(field.length() + 2) : e.getMessage();
        return new NotReadyException(Reasons.INVALID_SPEC, specPath(field) + ": " + message);
    }

    /**
     * @param field a registration field as the validator names it ({@code health_check.interval})
     * @return the resource's path to it ({@code spec.healthCheck.interval})
     */
    static String specPath(String field) {
        if (field.equals("name")) {
            return "metadata.name";
        }
        if (field.startsWith("headers.")) {
            return "spec.headers[" + field.substring("headers.".length()) + "]";
        }
        StringBuilder path = new StringBuilder("spec.");
        boolean upper = false;
        for (char c : field.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                path.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return path.toString();
    }
}
