package dev.switchboard.operator.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.switchboard.operator.model.GatewayClientAuth;
import dev.switchboard.operator.model.GatewayLimits;
import dev.switchboard.operator.model.GatewayOAuth;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;

/**
 * The gateway's non-secret configuration as environment variables (README's configuration table), held in
 * the gateway's ConfigMap. Only what the spec sets is written: the gateway keeps its own defaults.
 */
public final class GatewayEnvironment {
    static final int PUBLIC_PORT = 8080;
    static final int ADMIN_PORT = 9090;
    /** The stream listener: idle streams held on an event loop instead of a thread each. */
    static final int STREAM_PORT = 8081;
    /** Where a gateway may call functions unless the spec says otherwise: the private ranges. */
    public static final String DEFAULT_FUNCTION_NETWORKS = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fd00::/8";

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
        environment.variables.put("GATEWAY_NAMESPACE", gateway.getMetadata().getNamespace());
        return environment;
    }

    static GatewayEnvironment of(SseGatewaySpec spec) {
        SortedMap<String, String> env = new TreeMap<>();
        env.put("PORT", Integer.toString(PUBLIC_PORT));
        env.put("ADMIN_PORT", Integer.toString(ADMIN_PORT));
        env.put("STREAM_PORT", Integer.toString(STREAM_PORT));
        // Probes and Prometheus reach the admin listener on the pod IP. The Service exposes only the public
        // port, and ADMIN_TOKEN (adminTokenSecretRef, or the generated Secret) guards /admin/*.
        env.put("ADMIN_HOST", "0.0.0.0");
        // Functions in a cluster are Services with private addresses; cloud metadata (link-local) stays out.
        env.put("FUNCTION_ALLOWED_NETWORKS", spec.getAllowedFunctionNetworks() == null
                ? DEFAULT_FUNCTION_NETWORKS : String.join(",", spec.getAllowedFunctionNetworks()));
        put(env, "HEARTBEAT_INTERVAL", spec.getHeartbeatInterval());
        put(env, "SESSION_TTL", spec.getSessionTtl());
        GatewayLimits limits = spec.getLimits();
        if (limits != null) {
            put(env, "MAX_BODY_SIZE", limits.getMaxBodySize());
            put(env, "STREAM_QUEUE_DEPTH", limits.getStreamQueueDepth());
            put(env, "MAX_CONNECTIONS_PER_CLIENT", limits.getMaxConnectionsPerClient());
            put(env, "MAX_CONNECTIONS", limits.getMaxConnections());
            put(env, "EVENT_LOG_MAX_LENGTH", limits.getEventLogMaxLength());
            put(env, "EVENT_LOG_TTL", limits.getEventLogTtl());
            put(env, "MAX_INFLIGHT_INVOCATIONS", limits.getMaxInflightInvocations());
            put(env, "MAX_EVENT_SIZE", limits.getMaxEventSize());
            put(env, "MAX_MCP_SESSIONS", limits.getMaxMcpSessions());
            put(env, "MAX_JSON_DEPTH", limits.getMaxJsonDepth());
        }
        clientAuth(env, spec.getClientAuth());
        return new GatewayEnvironment(env);
    }

    /** The API keys come from their Secret into the pod (see GatewayPodTemplate), never through here. */
    private static void clientAuth(Map<String, String> env, GatewayClientAuth auth) {
        if (auth == null) {
            return;
        }
        if (auth.getMethods() != null && !auth.getMethods().isEmpty()) {
            env.put("CLIENT_AUTH", auth.getMethods().stream().distinct()
                    .map(m -> m == GatewayClientAuth.Method.API_KEY ? "api-key" : "jwt")
                    .collect(Collectors.joining(",")));
        }
        GatewayOAuth oauth = auth.getOauth();
        if (oauth != null) {
            put(env, "OAUTH_ISSUER", oauth.getIssuer());
            put(env, "OAUTH_JWKS_URL", oauth.getJwksUrl());
            put(env, "OAUTH_RESOURCE", oauth.getResource());
            put(env, "OAUTH_AUDIENCE", oauth.getAudience());
            if (oauth.getRequiredScopes() != null && !oauth.getRequiredScopes().isEmpty()) {
                env.put("OAUTH_REQUIRED_SCOPES", String.join(" ", oauth.getRequiredScopes()));
            }
        }
        put(env, "RATE_LIMIT_PER_IDENTITY", auth.getRatePerIdentity());
        put(env, "RATE_LIMIT_IDENTITY_BURST", auth.getIdentityBurst());
        put(env, "MAX_STREAMS_PER_IDENTITY", auth.getMaxStreamsPerIdentity());
    }

    private static void put(Map<String, String> env, String key, Object value) {
        if (value != null) {
            env.put(key, value.toString());
        }
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
