package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.GatewayClientAuth;
import dev.switchboard.operator.model.GatewayLimits;
import dev.switchboard.operator.model.GatewayOAuth;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import dev.switchboard.registry.settings.GatewaySettings;
import dev.switchboard.registry.settings.Setting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The gateway's non-secret configuration as environment variables, held in the gateway's ConfigMap. Every key is a
 * setting of the catalogue ({@link GatewaySettings}), and each spec field the operator passes on is listed once in
 * {@link #SPEC_FIELDS} with the setting it becomes. Only what the spec sets is written: the gateway keeps its own
 * defaults.
 */
public final class GatewayEnvironment {
    static final int PUBLIC_PORT = GatewaySettings.PORT.defaultValue().orElseThrow();
    static final int ADMIN_PORT = GatewaySettings.ADMIN_PORT.defaultValue().orElseThrow();
    /** The stream listener: idle streams held on an event loop instead of a thread each (off by default). */
    static final int STREAM_PORT = 8081;
    /** Where a gateway may call functions unless the spec says otherwise: the private ranges. */
    public static final String DEFAULT_FUNCTION_NETWORKS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fd00::/8";

    /**
     * A field of the SseGateway spec and the gateway setting it is written to.
     *
     * @param path    the field, dotted from the spec ({@code limits.maxBodySize})
     * @param setting the setting
     * @param value   the field's value as the setting's text, null when unset
     */
    record SpecField(String path, Setting<?> setting, Function<SseGatewaySpec, String> value) {}

    /** Every spec field that becomes a setting (the API keys come from their Secret: see GatewayPodTemplate). */
    static final List<SpecField> SPEC_FIELDS = List.of(
            new SpecField(
                    "allowedFunctionNetworks",
                    GatewaySettings.FUNCTION_ALLOWED_NETWORKS,
                    spec -> spec.getAllowedFunctionNetworks() == null
                            ? DEFAULT_FUNCTION_NETWORKS
                            : String.join(",", spec.getAllowedFunctionNetworks())),
            new SpecField(
                    "heartbeatInterval", GatewaySettings.HEARTBEAT_INTERVAL, SseGatewaySpec::getHeartbeatInterval),
            new SpecField("sessionTtl", GatewaySettings.SESSION_TTL, SseGatewaySpec::getSessionTtl),
            limit("maxBodySize", GatewaySettings.MAX_BODY_SIZE, GatewayLimits::getMaxBodySize),
            limit("streamQueueDepth", GatewaySettings.STREAM_QUEUE_DEPTH, GatewayLimits::getStreamQueueDepth),
            limit(
                    "maxConnectionsPerClient",
                    GatewaySettings.MAX_CONNECTIONS_PER_CLIENT,
                    GatewayLimits::getMaxConnectionsPerClient),
            limit("maxConnections", GatewaySettings.MAX_CONNECTIONS, GatewayLimits::getMaxConnections),
            limit("eventLogMaxLength", GatewaySettings.EVENT_LOG_MAX_LENGTH, GatewayLimits::getEventLogMaxLength),
            limit("eventLogTtl", GatewaySettings.EVENT_LOG_TTL, GatewayLimits::getEventLogTtl),
            limit("mcpStreamLogTtl", GatewaySettings.MCP_STREAM_LOG_TTL, GatewayLimits::getMcpStreamLogTtl),
            limit(
                    "maxInflightInvocations",
                    GatewaySettings.MAX_INFLIGHT_INVOCATIONS,
                    GatewayLimits::getMaxInflightInvocations),
            limit("maxEventSize", GatewaySettings.MAX_EVENT_SIZE, GatewayLimits::getMaxEventSize),
            limit("maxMcpSessions", GatewaySettings.MAX_MCP_SESSIONS, GatewayLimits::getMaxMcpSessions),
            limit("maxJsonDepth", GatewaySettings.MAX_JSON_DEPTH, GatewayLimits::getMaxJsonDepth),
            clientAuth("methods", GatewaySettings.CLIENT_AUTH, GatewayEnvironment::methods),
            clientAuth(
                    "ratePerIdentity", GatewaySettings.RATE_LIMIT_PER_IDENTITY, GatewayClientAuth::getRatePerIdentity),
            clientAuth("identityBurst", GatewaySettings.RATE_LIMIT_IDENTITY_BURST, GatewayClientAuth::getIdentityBurst),
            clientAuth(
                    "maxStreamsPerIdentity",
                    GatewaySettings.MAX_STREAMS_PER_IDENTITY,
                    GatewayClientAuth::getMaxStreamsPerIdentity),
            oauth("issuer", GatewaySettings.OAUTH_ISSUER, GatewayOAuth::getIssuer),
            oauth("jwksUrl", GatewaySettings.OAUTH_JWKS_URL, GatewayOAuth::getJwksUrl),
            oauth("resource", GatewaySettings.OAUTH_RESOURCE, GatewayOAuth::getResource),
            oauth("audience", GatewaySettings.OAUTH_AUDIENCE, GatewayOAuth::getAudience),
            oauth(
                    "requiredScopes",
                    GatewaySettings.OAUTH_REQUIRED_SCOPES,
                    o -> o.getRequiredScopes() == null || o.getRequiredScopes().isEmpty()
                            ? null
                            : String.join(" ", o.getRequiredScopes())));

    private final SortedMap<String, String> variables;

    private GatewayEnvironment(SortedMap<String, String> variables) {
        this.variables = variables;
    }

    /**
     * @param gateway the resource
     * @return its variables, with the namespace whose registrations it serves: its own (a ServerlessFunction
     *         names a gateway of its namespace, and the operator writes it into that namespace's registrations)
     */
    static GatewayEnvironment of(SseGateway gateway) {
        GatewayEnvironment environment = of(gateway.getSpec());
        environment.variables.put(
                GatewaySettings.GATEWAY_NAMESPACE.key(), gateway.getMetadata().getNamespace());
        return environment;
    }

    static GatewayEnvironment of(SseGatewaySpec spec) {
        SortedMap<String, String> env = new TreeMap<>();
        env.put(GatewaySettings.PORT.key(), Integer.toString(PUBLIC_PORT));
        env.put(GatewaySettings.ADMIN_PORT.key(), Integer.toString(ADMIN_PORT));
        env.put(GatewaySettings.STREAM_PORT.key(), Integer.toString(STREAM_PORT));
        // Probes and Prometheus reach the admin listener on the pod IP. The Service exposes only the public
        // port, and ADMIN_TOKEN (adminTokenSecretRef, or the generated Secret) guards /admin/*.
        env.put(GatewaySettings.ADMIN_HOST.key(), "0.0.0.0");
        // Functions in a cluster are Services with private addresses; cloud metadata (link-local) stays out:
        // the first field's value is never null.
        for (SpecField field : SPEC_FIELDS) {
            String value = field.value().apply(spec);
            if (value != null) {
                env.put(field.setting().key(), value);
            }
        }
        return new GatewayEnvironment(env);
    }

    private static SpecField limit(String name, Setting<?> setting, Function<GatewayLimits, Object> value) {
        return new SpecField(
                "limits." + name,
                setting,
                spec -> spec.getLimits() == null ? null : text(value.apply(spec.getLimits())));
    }

    private static SpecField clientAuth(String name, Setting<?> setting, Function<GatewayClientAuth, Object> value) {
        return new SpecField(
                "clientAuth." + name,
                setting,
                spec -> spec.getClientAuth() == null ? null : text(value.apply(spec.getClientAuth())));
    }

    private static SpecField oauth(String name, Setting<?> setting, Function<GatewayOAuth, Object> value) {
        return new SpecField(
                "clientAuth.oauth." + name,
                setting,
                spec -> spec.getClientAuth() == null || spec.getClientAuth().getOauth() == null
                        ? null
                        : text(value.apply(spec.getClientAuth().getOauth())));
    }

    private static String methods(GatewayClientAuth auth) {
        if (auth.getMethods() == null || auth.getMethods().isEmpty()) {
            return null;
        }
        return auth.getMethods().stream()
                .distinct()
                .map(m -> m == GatewayClientAuth.Method.API_KEY ? "api-key" : "jwt")
                .collect(Collectors.joining(","));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** @return the variables, sorted by name */
    Map<String, String> variables() {
        return Collections.unmodifiableSortedMap(variables);
    }

    /**
     * A digest of the variables, put on the pod template: env from a ConfigMap is read only when a container
     * starts, so a config change must change the template to roll the pods.
     */
    String hash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            variables.forEach((key, value) -> {
                digest.update(key.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '=');
                digest.update(value.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            });
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
