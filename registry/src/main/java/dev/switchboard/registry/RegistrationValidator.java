package dev.switchboard.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one validation of a registration, used by the admin API, the stored-form codec and the operator.
 * Turns user JSON into a {@link FunctionRegistration} or throws {@link InvalidRegistrationException}
 * naming the field at fault.
 */
public final class RegistrationValidator {
    /** DNS label: usable as a URL path segment, a Kubernetes name and a Redis key part. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public static final int MAX_NAME_LENGTH = 63;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** The longest a serverless platform lets a function run (AWS Lambda). */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(15);

    public static final Duration MIN_HEALTH_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MAX_HEALTH_INTERVAL = Duration.ofHours(1);
    public static final int MAX_DESCRIPTION_LENGTH = 1024;
    public static final int MAX_HEADERS = 64;
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    public static final int MAX_CONCURRENCY = 100_000;

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    /** Headers the gateway sets itself or that belong to the connection, not to a registration. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "proxy-connection",
            "x-request-id",
            "x-client-id",
            "x-switchboard-subject",
            "x-switchboard-auth");
    /** Fields the API prints that a client may send back unchanged (GET, edit, PUT). */
    private static final Set<String> READ_ONLY_FIELDS = Set.of(
            "created_at",
            "updated_at",
            "registered_at",
            "revision",
            "is_active",
            "health_status",
            "last_health_check",
            "namespace",
            "owner");

    private static final Set<String> FIELDS = Set.of(
            "name",
            "kind",
            "endpoint",
            "method",
            "timeout",
            "headers",
            "description",
            "health_check",
            "max_concurrency",
            "retry",
            "auth");

    private RegistrationValidator() {}

    /**
     * Validates user input.
     *
     * @param json the registration as sent by a user
     * @param now  time to stamp as created and updated
     * @return the registration, revision 0
     */
    public static FunctionRegistration validate(JsonNode json, Instant now) {
        if (json == null || !json.isObject()) {
            throw new InvalidRegistrationException("body", "a registration is a JSON object");
        }
        json.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field) && !READ_ONLY_FIELDS.contains(field)) {
                throw new InvalidRegistrationException(field, "unknown field");
            }
        });
        String name = requiredText(json, "name");
        validateName(name);
        FunctionKind kind = FunctionKind.HTTP;
        if (json.hasNonNull("kind")) {
            String kindText = text(json, "kind");
            kind = FunctionKind.fromWireName(kindText)
                    .orElseThrow(() -> new InvalidRegistrationException(
                            "kind", "unsupported kind '" + kindText + "' (supported: http, mcp)"));
        }
        URI endpoint = endpoint(requiredText(json, "endpoint"));
        String method = "POST";
        if (json.hasNonNull("method")) {
            method = text(json, "method").toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw new InvalidRegistrationException(
                        "method",
                        "must be one of "
                                + String.join(", ", METHODS.stream().sorted().toList()));
            }
        }
        Duration timeout = DEFAULT_TIMEOUT;
        if (json.hasNonNull("timeout")) {
            timeout = duration(json.get("timeout"), "timeout", MIN_TIMEOUT, MAX_TIMEOUT);
        }
        Map<String, String> headers = headers(json.get("headers"));
        String description = "";
        if (json.hasNonNull("description")) {
            description = text(json, "description");
            if (description.length() > MAX_DESCRIPTION_LENGTH) {
                throw new InvalidRegistrationException(
                        "description", "at most " + MAX_DESCRIPTION_LENGTH + " characters");
            }
        }
        Optional<HealthCheck> healthCheck = healthCheck(json.get("health_check"));
        int maxConcurrency = 0;
        if (json.hasNonNull("max_concurrency")) {
            maxConcurrency = integer(json.get("max_concurrency"), "max_concurrency", 1, MAX_CONCURRENCY);
        }
        RetryPolicy retry = retry(json.get("retry"));
        ClientAuth auth = ClientAuth.DEFAULT;
        if (json.hasNonNull("auth")) {
            String authText = text(json, "auth");
            auth = ClientAuth.fromWireName(authText)
                    .orElseThrow(() -> new InvalidRegistrationException(
                            "auth", "unsupported auth '" + authText + "' (supported: default, none, api-key, jwt)"));
        }
        return new FunctionRegistration(
                name,
                kind,
                endpoint,
                method,
                timeout,
                headers,
                description,
                healthCheck,
                maxConcurrency,
                retry,
                auth,
                Optional.empty(),
                now,
                now,
                0);
    }

    /**
     * @param name a function name
     * @throws InvalidRegistrationException when it is not a DNS label of at most 63 characters
     */
    public static void validateName(String name) {
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new InvalidRegistrationException(
                    "name", "must match " + NAME.pattern() + " and be at most " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidRegistrationException("endpoint", "not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new InvalidRegistrationException("endpoint", "must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidRegistrationException("endpoint", "must name a host (and a port of 1-65535, if any)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            // java.net.URI reads any number of digits as a port: no call could be made to it
            throw new InvalidRegistrationException("endpoint", "port must be 1-65535");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidRegistrationException("endpoint", "must not carry credentials; use headers");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidRegistrationException("endpoint", "must not have a fragment");
        }
        return uri;
    }

    private static Map<String, String> headers(JsonNode node) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isObject()) {
            throw new InvalidRegistrationException("headers", "must be an object of header names to string values");
        }
        if (node.size() > MAX_HEADERS) {
            throw new InvalidRegistrationException("headers", "at most " + MAX_HEADERS + " headers");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String headerName = e.getKey();
            String field = "headers." + headerName;
            if (!HEADER_NAME.matcher(headerName).matches()) {
                throw new InvalidRegistrationException(field, "not a valid HTTP header name");
            }
            if (RESERVED_HEADERS.contains(headerName.toLowerCase(Locale.ROOT))) {
                throw new InvalidRegistrationException(field, "set by the gateway; cannot be registered");
            }
            if (!e.getValue().isTextual()) {
                throw new InvalidRegistrationException(field, "value must be a string");
            }
            String value = e.getValue().asText();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                    throw new InvalidRegistrationException(
                            field, "value must be visible ASCII or Latin-1 without line breaks");
                }
            }
            headers.put(headerName, value);
        }
        return headers;
    }

    private static Optional<HealthCheck> healthCheck(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new InvalidRegistrationException("health_check", "must be an object with path and interval");
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!f.equals("path") && !f.equals("interval")) {
                throw new InvalidRegistrationException("health_check." + f, "unknown field");
            }
        });
        if (!node.hasNonNull("path") || !node.get("path").isTextual()) {
            throw new InvalidRegistrationException("health_check.path", "required string");
        }
        String path = node.get("path").asText();
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new InvalidRegistrationException("health_check.path", "must start with / and hold no spaces");
        }
        Duration interval = HealthCheck.DEFAULT_INTERVAL;
        if (node.hasNonNull("interval")) {
            interval =
                    duration(node.get("interval"), "health_check.interval", MIN_HEALTH_INTERVAL, MAX_HEALTH_INTERVAL);
        }
        return Optional.of(new HealthCheck(path, interval));
    }

    private static RetryPolicy retry(JsonNode node) {
        if (node == null || node.isNull()) {
            return RetryPolicy.NONE;
        }
        if (!node.isObject()) {
            throw new InvalidRegistrationException("retry", "must be an object with attempts and backoff");
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!f.equals("attempts") && !f.equals("backoff")) {
                throw new InvalidRegistrationException("retry." + f, "unknown field");
            }
        });
        if (!node.hasNonNull("attempts")) {
            throw new InvalidRegistrationException("retry.attempts", "required");
        }
        int attempts = integer(node.get("attempts"), "retry.attempts", 0, RetryPolicy.MAX_ATTEMPTS);
        Duration backoff = RetryPolicy.DEFAULT_BACKOFF;
        if (node.hasNonNull("backoff")) {
            backoff = duration(node.get("backoff"), "retry.backoff", Duration.ZERO, RetryPolicy.MAX_BACKOFF);
        }
        return attempts == 0 ? RetryPolicy.NONE : new RetryPolicy(attempts, backoff);
    }

    private static int integer(JsonNode node, String field, int min, int max) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            throw new InvalidRegistrationException(field, "must be an integer between " + min + " and " + max);
        }
        return node.asInt();
    }

    private static Duration duration(JsonNode node, String field, Duration min, Duration max) {
        Duration value;
        if (node.isNumber()) {
            value = Duration.ofMillis(Math.round(node.asDouble() * 1000));
        } else if (node.isTextual()) {
            try {
                value = Durations.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidRegistrationException(field, e.getMessage());
            }
        } else {
            throw new InvalidRegistrationException(field, "must be a duration such as \"30s\"");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidRegistrationException(
                    field, "must be between " + Durations.format(min) + " and " + Durations.format(max));
        }
        return value;
    }

    private static String requiredText(JsonNode json, String field) {
        if (!json.hasNonNull(field)) {
            throw new InvalidRegistrationException(field, "required");
        }
        String value = text(json, field);
        if (value.isBlank()) {
            throw new InvalidRegistrationException(field, "required");
        }
        return value;
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (!node.isTextual()) {
            throw new InvalidRegistrationException(field, "must be a string");
        }
        return node.asText();
    }
}
