package dev.switchboard.operator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.model.GatewayClientAuth;
import dev.switchboard.operator.model.GatewayLimits;
import dev.switchboard.operator.model.GatewayOAuth;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayEnvironmentTest {

    @Test
    void everyLimitMapsToTheGatewaysVariable() {
        GatewayLimits limits = new GatewayLimits();
        limits.setMaxBodySize("512KiB");
        limits.setStreamQueueDepth(64);
        limits.setMaxConnectionsPerClient(4);
        limits.setMaxConnections(1000);
        limits.setEventLogMaxLength(500);
        limits.setEventLogTtl("30m");
        limits.setMcpStreamLogTtl("45s");
        limits.setMaxInflightInvocations(128);
        limits.setMaxEventSize("256KiB");
        limits.setMaxMcpSessions(5000);
        limits.setMaxJsonDepth(32);
        SseGatewaySpec spec = new SseGatewaySpec();
        spec.setHeartbeatInterval("10s");
        spec.setSessionTtl("1h");
        spec.setLimits(limits);
        spec.setAllowedFunctionNetworks(java.util.List.of("10.20.0.0/16", "fd12::/16"));

        assertThat(GatewayEnvironment.of(spec).variables())
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("FUNCTION_ALLOWED_NETWORKS", "10.20.0.0/16,fd12::/16"),
                        Map.entry("PORT", "8080"),
                        Map.entry("ADMIN_PORT", "9090"),
                        Map.entry("ADMIN_HOST", "0.0.0.0"),
                        Map.entry("STREAM_PORT", "8081"),
                        Map.entry("HEARTBEAT_INTERVAL", "10s"),
                        Map.entry("SESSION_TTL", "1h"),
                        Map.entry("MAX_BODY_SIZE", "512KiB"),
                        Map.entry("STREAM_QUEUE_DEPTH", "64"),
                        Map.entry("MAX_CONNECTIONS_PER_CLIENT", "4"),
                        Map.entry("MAX_CONNECTIONS", "1000"),
                        Map.entry("EVENT_LOG_MAX_LENGTH", "500"),
                        Map.entry("EVENT_LOG_TTL", "30m"),
                        Map.entry("MCP_STREAM_LOG_TTL", "45s"),
                        Map.entry("MAX_INFLIGHT_INVOCATIONS", "128"),
                        Map.entry("MAX_EVENT_SIZE", "256KiB"),
                        Map.entry("MAX_MCP_SESSIONS", "5000"),
                        Map.entry("MAX_JSON_DEPTH", "32")));
    }

    @Test
    void aGatewayServesTheRegistrationsOfItsOwnNamespace() {
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace("team-a")
                .withName("gw")
                .build());
        gateway.setSpec(new SseGatewaySpec());

        assertThat(GatewayEnvironment.of(gateway).variables()).containsEntry("GATEWAY_NAMESPACE", "team-a");
    }

    @Test
    void clientAuthMapsToTheGatewaysVariablesButNotItsKeys() {
        GatewayOAuth oauth = new GatewayOAuth();
        oauth.setIssuer("https://idp.example.com");
        oauth.setJwksUrl("https://idp.example.com/jwks");
        oauth.setResource("https://mcp.example.com");
        oauth.setRequiredScopes(java.util.List.of("mcp:tools", "mcp:read"));
        GatewayClientAuth auth = new GatewayClientAuth();
        auth.setMethods(java.util.List.of(GatewayClientAuth.Method.JWT, GatewayClientAuth.Method.API_KEY));
        auth.setApiKeysSecretRef(new SecretKeyRef("client-keys", "entries"));
        auth.setOauth(oauth);
        auth.setRatePerIdentity("2.5");
        auth.setIdentityBurst(10);
        auth.setMaxStreamsPerIdentity(8);
        SseGatewaySpec spec = new SseGatewaySpec();
        spec.setClientAuth(auth);

        Map<String, String> env = GatewayEnvironment.of(spec).variables();
        assertThat(env)
                .containsEntry("CLIENT_AUTH", "jwt,api-key")
                .containsEntry("OAUTH_ISSUER", "https://idp.example.com")
                .containsEntry("OAUTH_JWKS_URL", "https://idp.example.com/jwks")
                .containsEntry("OAUTH_RESOURCE", "https://mcp.example.com")
                .containsEntry("OAUTH_REQUIRED_SCOPES", "mcp:tools mcp:read")
                .containsEntry("RATE_LIMIT_PER_IDENTITY", "2.5")
                .containsEntry("RATE_LIMIT_IDENTITY_BURST", "10")
                .containsEntry("MAX_STREAMS_PER_IDENTITY", "8")
                .doesNotContainKeys("API_KEYS", "OAUTH_AUDIENCE");
    }

    @Test
    void unsetValuesAreLeftToTheGatewaysDefaults() {
        SseGatewaySpec spec = new SseGatewaySpec();
        spec.setLimits(new GatewayLimits());
        assertThat(GatewayEnvironment.of(spec).variables())
                .containsOnlyKeys("PORT", "ADMIN_PORT", "ADMIN_HOST", "STREAM_PORT", "FUNCTION_ALLOWED_NETWORKS");
        assertThat(GatewayEnvironment.of(spec).variables().get("FUNCTION_ALLOWED_NETWORKS"))
                .as("in a cluster, functions are Services on private addresses; link-local metadata stays out")
                .isEqualTo("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fd00::/8");
    }

    @Test
    void theHashFollowsTheContentOnly() {
        SseGatewaySpec a = new SseGatewaySpec();
        a.setHeartbeatInterval("15s");
        SseGatewaySpec b = new SseGatewaySpec();
        b.setHeartbeatInterval("15s");
        assertThat(GatewayEnvironment.of(a).hash())
                .isEqualTo(GatewayEnvironment.of(b).hash())
                .hasSize(16);
        b.setHeartbeatInterval("16s");
        assertThat(GatewayEnvironment.of(a).hash())
                .isNotEqualTo(GatewayEnvironment.of(b).hash());
    }
}
