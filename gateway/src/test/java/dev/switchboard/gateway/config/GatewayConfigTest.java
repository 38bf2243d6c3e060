package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.auth.OAuthSettings;
import dev.switchboard.registry.ClientAuth;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    private static GatewayConfig config(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return GatewayConfig.from(map);
    }

    private static void assertRejected(String key, String value) {
        assertThatThrownBy(() -> config(key, value))
                .as("%s=%s", key, value)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ":");
    }

    @Test
    void namespaceIsTheDefaultOneUnlessANamespaceNameIsGiven() {
        assertThat(GatewayConfig.from(Map.of()).namespace()).isEmpty();
        assertThat(config("GATEWAY_NAMESPACE", "team-a").namespace()).isEqualTo("team-a");
        assertRejected("GATEWAY_NAMESPACE", "Team_A");
        assertRejected("GATEWAY_NAMESPACE", "a/b");
    }

    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.from(Map.of());
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.adminHost()).isEqualTo("127.0.0.1");
        assertThat(c.adminPort()).isEqualTo(9090);
        assertThat(c.redisUrl()).isEmpty();
        assertThat(c.usesRedis()).isFalse();
        assertThat(c.redisTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.adminTokens()).isEmpty();
        assertThat(c.replicaId()).isNotBlank().matches(".+-\\d+");
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));

        Limits l = c.limits();
        assertThat(l.maxBodySize()).isEqualTo(1024L * 1024);
        assertThat(l.streamQueueDepth()).isEqualTo(256);
        assertThat(l.maxConnectionsPerClient()).isEqualTo(16);
        assertThat(l.maxConnections()).isEqualTo(100_000);
        assertThat(l.eventLogMaxLength()).isEqualTo(1000);
        assertThat(l.eventLogTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(l.maxResponseSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(l.maxInflightInvocations()).isEqualTo(1024);
        assertThat(l.maxEventSize()).isEqualTo(1024L * 1024);
        assertThat(l.asyncDeliveryTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertRejected("ASYNC_DELIVERY_TIMEOUT", "500ms");
        assertRejected("ASYNC_DELIVERY_TIMEOUT", "2h");
    }

    @Test
    void functionConnectionsAreSettings() {
        assertThat(GatewayConfig.from(Map.of()).functionConnections())
                .isEqualTo(new GatewayConfig.FunctionConnections(Duration.ofSeconds(5), 256, Duration.ofSeconds(30)));
        assertThat(config(
                                "FUNCTION_CONNECT_TIMEOUT", "750ms",
                                "FUNCTION_CONNECTIONS_KEPT", "0",
                                "FUNCTION_IDLE_TIMEOUT", "2m")
                        .functionConnections())
                .isEqualTo(new GatewayConfig.FunctionConnections(Duration.ofMillis(750), 0, Duration.ofMinutes(2)));
        assertRejected("FUNCTION_CONNECTIONS_KEPT", "-1");
        assertRejected("FUNCTION_CONNECT_TIMEOUT", "1ms");
        assertRejected("FUNCTION_IDLE_TIMEOUT", "2h");
    }

    @Test
    void listenerGuards() {
        ListenerLimits defaults = GatewayConfig.from(Map.of()).listeners();
        assertThat(defaults)
                .isEqualTo(new ListenerLimits(
                        Duration.ofSeconds(10), Duration.ofSeconds(75), 64, 1024, java.util.OptionalLong.empty(), 1));
        ListenerLimits set = config(
                        "REQUEST_HEAD_TIMEOUT",
                        "2s",
                        "KEEP_ALIVE_TIMEOUT",
                        "90s",
                        "MAX_PENDING_HEADS_PER_IP",
                        "3",
                        "MAX_STREAMS_PER_IP",
                        "5",
                        "FD_RESERVE",
                        "100",
                        "STREAM_LOOPS",
                        "3")
                .listeners();
        assertThat(set)
                .isEqualTo(new ListenerLimits(
                        Duration.ofSeconds(2), Duration.ofSeconds(90), 3, 5, java.util.OptionalLong.of(100), 3));
        assertRejected("REQUEST_HEAD_TIMEOUT", "10ms");
        assertRejected("KEEP_ALIVE_TIMEOUT", "2h");
        assertRejected("MAX_PENDING_HEADS_PER_IP", "0");
        assertRejected("MAX_STREAMS_PER_IP", "x");
        assertRejected("FD_RESERVE", "-1");
        assertRejected("STREAM_LOOPS", "0");
    }

    @Test
    void blankValuesMeanDefault() {
        GatewayConfig c = config("PORT", "  ", "HEARTBEAT_INTERVAL", "", "ADMIN_TOKEN", " ", "REDIS_URL", "");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.adminTokens()).isEmpty();
        assertThat(c.redisUrl()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        GatewayConfig c = config(
                "HOST", "127.0.0.2",
                "PORT", "7001",
                "ADMIN_HOST", "0.0.0.0",
                "ADMIN_PORT", "7002",
                "REDIS_URL", "redis://cache:6380/3",
                "REDIS_TIMEOUT", "750ms",
                "HEARTBEAT_INTERVAL", "3s",
                "ADMIN_TOKEN", " first-token-0123456789 , second-token-0123456789 ",
                "ADMIN_TOKEN_FILE", "/run/secrets/admin",
                "REPLICA_ID", "replica-7",
                "SHUTDOWN_GRACE", "1m30s",
                "MAX_BODY_SIZE", "2MiB",
                "STREAM_QUEUE_DEPTH", "64",
                "MAX_CONNECTIONS_PER_CLIENT", "4",
                "MAX_CONNECTIONS", "500",
                "EVENT_LOG_MAX_LENGTH", "50",
                "EVENT_LOG_TTL", "2h",
                "MAX_RESPONSE_SIZE", "512KiB",
                "MAX_INFLIGHT_INVOCATIONS", "8",
                "MAX_EVENT_SIZE", "64KiB",
                "MAX_MCP_SESSIONS", "300",
                "MAX_JSON_DEPTH", "32",
                "MAX_RESPONSE_BYTES_IN_FLIGHT", "64MiB",
                "MCP_STREAM_LOG_TTL", "45s",
                "ASYNC_DELIVERY_TIMEOUT", "5s",
                "MEMORY_STORE_MAX_BYTES", "96MiB");
        assertThat(c.host()).isEqualTo("127.0.0.2");
        assertThat(c.port()).isEqualTo(7001);
        assertThat(c.adminHost()).isEqualTo("0.0.0.0");
        assertThat(c.adminPort()).isEqualTo(7002);
        assertThat(c.redisUrl()).contains("redis://cache:6380/3");
        assertThat(c.usesRedis()).isTrue();
        assertThat(c.redisTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.adminTokens()).containsExactly("first-token-0123456789", "second-token-0123456789");
        assertThat(c.adminTokenFile()).contains(Path.of("/run/secrets/admin"));
        assertThat(c.replicaId()).isEqualTo("replica-7");
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits())
                .isEqualTo(new Limits(
                        2L * 1024 * 1024,
                        64,
                        4,
                        500,
                        50,
                        Duration.ofHours(2),
                        512L * 1024,
                        8,
                        64L * 1024,
                        300,
                        32,
                        64L << 20,
                        16,
                        100,
                        Duration.ofSeconds(45),
                        Duration.ofSeconds(5),
                        96L << 20));
    }

    @Test
    void answerBytesInFlightDefaultToAQuarterOfTheHeapAndBoundOneAnswer() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        Limits defaults = config().limits();
        assertThat(defaults.maxResponseBytesInFlight()).isEqualTo(quarter);
        assertThat(defaults.memoryStoreMaxBytes())
                .as("the in-memory store's events, the same share")
                .isEqualTo(quarter);
        assertThat(defaults.maxResponseSize()).isEqualTo(Math.min(10L << 20, quarter));
        assertThat(config("MAX_RESPONSE_BYTES_IN_FLIGHT", "4MiB").limits().maxResponseSize())
                .as("an answer's default limit fits in the budget")
                .isEqualTo(4L << 20);
        assertThatThrownBy(() -> config("MAX_RESPONSE_BYTES_IN_FLIGHT", "4MiB", "MAX_RESPONSE_SIZE", "8MiB"))
                .as("an answer that could never fit")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MAX_RESPONSE_SIZE: must be between 1 and 4194304 bytes");
        assertRejected("MAX_RESPONSE_BYTES_IN_FLIGHT", "0");
        assertRejected("MAX_RESPONSE_BYTES_IN_FLIGHT", "lots");
    }

    @Test
    void bareNumberDurationMeansSeconds() {
        assertThat(config("HEARTBEAT_INTERVAL", "20").heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config("HEARTBEAT_INTERVAL", "PT1M").heartbeatInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void portBoundsAreInclusive() {
        assertThat(config("PORT", "0").port()).isZero();
        assertThat(config("PORT", "65535").port()).isEqualTo(65535);
        assertThat(config("ADMIN_PORT", " 9191 ").adminPort()).isEqualTo(9191);
        assertRejected("PORT", "65536");
        assertRejected("PORT", "-1");
    }

    @Test
    void badValuesNameTheirKey() {
        assertRejected("PORT", "abc");
        assertRejected("PORT", "70000");
        assertRejected("PORT", "80.5");
        assertRejected("ADMIN_PORT", "x");
        assertRejected("HEARTBEAT_INTERVAL", "soon");
        assertRejected("HEARTBEAT_INTERVAL", "10ms");
        assertRejected("HEARTBEAT_INTERVAL", "2h");
        assertRejected("REDIS_TIMEOUT", "5ms");
        assertRejected("SHUTDOWN_GRACE", "11m");
        assertRejected("EVENT_LOG_TTL", "500ms");
        assertRejected("EVENT_LOG_TTL", "31d");
        assertRejected("MAX_BODY_SIZE", "lots");
        assertRejected("MAX_BODY_SIZE", "0");
        assertRejected("MAX_BODY_SIZE", "2GiB");
        assertRejected("MAX_BODY_SIZE", "99999999999999999999");
        assertRejected("MAX_RESPONSE_SIZE", "-5");
        assertRejected("STREAM_QUEUE_DEPTH", "0");
        assertRejected("MAX_CONNECTIONS_PER_CLIENT", "1000001");
        assertRejected("MAX_CONNECTIONS", "ten");
        assertRejected("EVENT_LOG_MAX_LENGTH", "0");
        assertRejected("MAX_INFLIGHT_INVOCATIONS", "1.5");
    }

    @Test
    void rangeMessagesStateTheRangeAndTheValue() {
        assertThatThrownBy(() -> config("PORT", "70000")).hasMessage("PORT: must be between 0 and 65535, not 70000");
        assertThatThrownBy(() -> config("PORT", "abc")).hasMessage("PORT: not an integer: 'abc'");
        assertThatThrownBy(() -> config("HEARTBEAT_INTERVAL", "10ms"))
                .hasMessage("HEARTBEAT_INTERVAL: must be between 100ms and 1h, not 10ms");
        assertThatThrownBy(() -> config("MAX_BODY_SIZE", "lots"))
                .hasMessageStartingWith("MAX_BODY_SIZE: not a size: 'lots'");
    }

    @Test
    void aListenerAddressThatIsNoAddressNamesItsSetting() {
        // an IPv6 literal that is not one: refused without a name lookup
        assertThatThrownBy(() -> config("HOST", "::1x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HOST: '::1x' is not an IP address or a host name that resolves (0.0.0.0: every address)");
        assertThatThrownBy(() -> config("ADMIN_HOST", "::1x", "ADMIN_TOKEN", "a-token-of-enough-length"))
                .hasMessageStartingWith("ADMIN_HOST: '::1x' is not an IP address");
        assertThat(config("HOST", "[::1]").host()).isEqualTo("[::1]");
        assertThat(config("HOST", "0.0.0.0").host()).isEqualTo("0.0.0.0");
    }

    @Test
    void sizeAndDurationMinimaAreInclusive() {
        assertThat(config("HEARTBEAT_INTERVAL", "100ms").heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config("MAX_BODY_SIZE", "1").limits().maxBodySize()).isEqualTo(1);
        assertThat(config("SHUTDOWN_GRACE", "0s").shutdownGrace()).isZero();
    }

    @Test
    void anAdminListenerBeyondLoopbackNeedsAToken() {
        assertThatThrownBy(() -> config("ADMIN_HOST", "0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ADMIN_HOST:")
                .hasMessageContaining("ADMIN_TOKEN");
        assertThatThrownBy(() -> config("ADMIN_HOST", "10.1.2.3", "ADMIN_TOKEN", " "))
                .hasMessageStartingWith("ADMIN_HOST:");
        for (String loopback : new String[] {"127.0.0.1", "127.9.9.9", "localhost", "::1", "[::1]"}) {
            assertThat(config("ADMIN_HOST", loopback).adminHost()).isEqualTo(loopback);
        }
        assertThat(config("ADMIN_HOST", "0.0.0.0", "ADMIN_TOKEN", "a-token-of-enough-length")
                        .adminTokens())
                .hasSize(1);
        assertThat(config("ADMIN_HOST", "0.0.0.0", "ADMIN_TOKEN_FILE", "/run/secrets/admin")
                        .adminTokenFile())
                .isPresent();
    }

    @Test
    void shortAdminTokensAreRefusedWithoutBeingQuoted() {
        assertThatThrownBy(() -> config("ADMIN_TOKEN", "hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ADMIN_TOKEN:")
                .hasMessageContaining("16 characters")
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> config("ADMIN_TOKEN", "a-token-of-enough-length,short"))
                .hasMessageStartingWith("ADMIN_TOKEN:");
    }

    @Test
    void redisUrlSchemesAccepted() {
        for (String url : new String[] {
            "redis://localhost:6379",
            "rediss://user:pw@host:6380/2",
            "redis-sentinel://s1:26379,s2:26379/0#mymaster",
            "redis-socket:///tmp/redis.sock",
            "REDIS://h",
            "redis-cluster://n1:7000,n2:7000",
            "rediss-cluster://:pw@n1:7000"
        }) {
            assertThat(config("REDIS_URL", url).redisUrl()).as(url).contains(url);
        }
        assertThat(config("REDIS_URL", "  redis://h:1  ").redisUrl()).contains("redis://h:1");
    }

    @Test
    void redisUrlValidated() {
        for (String url : new String[] {
            "localhost:6379",
            "http://h:6379",
            "redis://",
            "redis:/h",
            "xredis://h",
            " redis ",
            "tcp://h",
            "redis-cluster://a:1,,b:2"
        }) {
            assertThatThrownBy(() -> config("REDIS_URL", url))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("REDIS_URL:");
        }
    }

    @Test
    void redisAddrAlone() {
        assertThat(config("REDIS_ADDR", "redis:6379").redisUrl()).contains("redis://redis:6379/0");
    }

    @Test
    void redisAddrWithPasswordAndDb() {
        GatewayConfig c = config("REDIS_ADDR", "cache.internal:6380", "REDIS_PASSWORD", "p@ss/w:rd", "REDIS_DB", "4");
        assertThat(c.redisUrl()).contains("redis://:p%40ss%2Fw%3Ard@cache.internal:6380/4");
        assertThat(c.usesRedis()).isTrue();

        RedisURI uri = RedisURI.create(c.redisUrl().orElseThrow());
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(4);
        assertThat(password(uri)).isEqualTo("p@ss/w:rd");
    }

    @Test
    void redisPasswordsSurviveLettuceParsing() {
        for (String password : new String[] {"p@ss/w:rd", "x+y", "100%", "é#?&=", "a%20b"}) {
            String url = config("REDIS_ADDR", "h:6379", "REDIS_PASSWORD", password)
                    .redisUrl()
                    .orElseThrow();
            assertThat(password(RedisURI.create(url))).as(url).isEqualTo(password);
        }
    }

    @Test
    void redisPasswordWithSpaceSurvivesLettuceParsing() {
        String url = config("REDIS_ADDR", "h:6379", "REDIS_PASSWORD", "a b")
                .redisUrl()
                .orElseThrow();
        assertThat(password(RedisURI.create(url))).isEqualTo("a b");
    }

    @Test
    void redisUrlWinsOverRedisAddr() {
        GatewayConfig c = config(
                "REDIS_URL",
                "redis://primary:6379/1",
                "REDIS_ADDR",
                "other:6379",
                "REDIS_PASSWORD",
                "pw",
                "REDIS_DB",
                "9");
        assertThat(c.redisUrl()).contains("redis://primary:6379/1");
        // REDIS_ADDR is not even validated when REDIS_URL is set
        assertThat(config("REDIS_URL", "redis://h", "REDIS_ADDR", "not an addr").redisUrl())
                .contains("redis://h");
    }

    @Test
    void redisAddrAndDbValidated() {
        for (String addr :
                new String[] {"localhost", "host:", ":6379", "redis://h:6379", "a b:1", "u@h:1", "h:123456"}) {
            assertThatThrownBy(() -> config("REDIS_ADDR", addr))
                    .as(addr)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("REDIS_ADDR:");
        }
        assertThatThrownBy(() -> config("REDIS_ADDR", "h:1", "REDIS_DB", "x")).hasMessageStartingWith("REDIS_DB:");
        assertThatThrownBy(() -> config("REDIS_ADDR", "h:1", "REDIS_DB", "-1")).hasMessageStartingWith("REDIS_DB:");
        assertThatThrownBy(() -> config("REDIS_ADDR", "h:1", "REDIS_DB", "1025"))
                .hasMessageStartingWith("REDIS_DB:");
    }

    @Test
    void passwordAndDbWithoutAddrMeanNoRedis() {
        assertThat(config("REDIS_PASSWORD", "pw", "REDIS_DB", "3").redisUrl()).isEmpty();
    }

    @Test
    void everyKeyAskedIsTheCatalogues_andEveryCatalogueKeyIsAsked() {
        // with Redis by address and OAuth set, every branch that reads a key is taken
        Map<String, String> values = Map.of(
                "REDIS_ADDR",
                "h:1",
                "OAUTH_ISSUER",
                "https://idp",
                "OAUTH_JWKS_URL",
                "https://idp/jwks",
                "OAUTH_RESOURCE",
                "https://mcp");
        java.util.Set<String> asked = new java.util.TreeSet<>();
        GatewayConfig.from(key -> {
            asked.add(key);
            return Optional.ofNullable(values.get(key));
        });
        java.util.Set<String> catalogue = new java.util.TreeSet<>();
        dev.switchboard.registry.settings.GatewaySettings.ALL.forEach(s -> catalogue.add(s.key()));
        // read before the configuration: where the file is, and how logs look
        dev.switchboard.registry.settings.GatewaySettings.ENVIRONMENT_ONLY.forEach(s -> catalogue.remove(s.key()));
        catalogue.remove("REDIS_URL"); // asked, then REDIS_ADDR used
        asked.remove("REDIS_URL");
        assertThat(asked).isEqualTo(catalogue);
    }

    @Test
    void functionSourceIsAskedPerKey() {
        Map<String, Integer> asked = new HashMap<>();
        GatewayConfig c = GatewayConfig.from(key -> {
            asked.merge(key, 1, Integer::sum);
            return key.equals("PORT") ? Optional.of("1234") : Optional.empty();
        });
        assertThat(c.port()).isEqualTo(1234);
        assertThat(asked).containsKeys("PORT", "ADMIN_PORT", "HEARTBEAT_INTERVAL", "REDIS_URL", "MAX_BODY_SIZE");
    }

    @Test
    void clientAuthIsOffByDefault() {
        GatewayConfig c = config();
        assertThat(c.auth().methods()).isEmpty();
        assertThat(c.auth().oauth()).isEmpty();
        assertThat(c.auth().maxStreamsPerIdentity()).isEqualTo(64);
        assertThat(c.limits().maxMcpSessions()).isEqualTo(100_000);
    }

    @Test
    void clientAuthReadsKeysAndOAuth() {
        String digest = "a".repeat(64);
        GatewayConfig c = config(
                "CLIENT_AUTH",
                "api-key, jwt",
                "API_KEYS",
                "alice:" + digest + ",bob:" + digest,
                "OAUTH_ISSUER",
                "https://idp.example.com",
                "OAUTH_JWKS_URL",
                "https://idp.example.com/jwks",
                "OAUTH_RESOURCE",
                "https://mcp.example.com/",
                "OAUTH_REQUIRED_SCOPES",
                "mcp:tools, mcp:read",
                "RATE_LIMIT_PER_IDENTITY",
                "5");
        assertThat(c.auth().methods()).containsExactlyInAnyOrder(ClientAuth.API_KEY, ClientAuth.JWT);
        assertThat(c.auth().apiKeys()).hasSize(2);
        OAuthSettings oauth = c.auth().oauth().orElseThrow();
        assertThat(oauth.audience()).isEqualTo("https://mcp.example.com/");
        assertThat(oauth.requiredScopes()).containsExactly("mcp:tools", "mcp:read");
        assertThat(oauth.metadataUrl()).isEqualTo("https://mcp.example.com/.well-known/oauth-protected-resource");
        assertThat(c.auth().identityBurst()).isEqualTo(10);
    }

    @Test
    void clientAuthRefusesWhatItCannotCheck() {
        assertThatThrownBy(() -> config("CLIENT_AUTH", "api-key")).hasMessageStartingWith("CLIENT_AUTH:");
        assertThatThrownBy(() -> config("CLIENT_AUTH", "jwt")).hasMessageStartingWith("CLIENT_AUTH:");
        assertThatThrownBy(() -> config("CLIENT_AUTH", "basic")).hasMessageStartingWith("CLIENT_AUTH:");
        assertThatThrownBy(() -> config("CLIENT_AUTH", "default")).hasMessageStartingWith("CLIENT_AUTH:");
        assertThatThrownBy(() -> config("API_KEYS", "alice:secret-in-plain-text"))
                .hasMessageStartingWith("API_KEYS:")
                .hasMessageNotContaining("secret-in-plain-text");
        assertThatThrownBy(() -> config("OAUTH_ISSUER", "https://idp.example.com"))
                .hasMessageContaining("set together");
        assertThatThrownBy(() -> config(
                        "OAUTH_ISSUER",
                        "https://idp",
                        "OAUTH_JWKS_URL",
                        "file:///etc/keys",
                        "OAUTH_RESOURCE",
                        "https://mcp"))
                .hasMessageStartingWith("OAUTH_JWKS_URL:");
        assertThatThrownBy(() -> config(
                        "OAUTH_ISSUER",
                        "https://idp",
                        "OAUTH_JWKS_URL",
                        "https://idp/jwks",
                        "OAUTH_RESOURCE",
                        "https://mcp/?x=1"))
                .hasMessageStartingWith("OAUTH_RESOURCE:");
    }

    private static String password(RedisURI uri) {
        RedisCredentials credentials =
                uri.getCredentialsProvider().resolveCredentials().block();
        return credentials == null || credentials.getPassword() == null ? null : new String(credentials.getPassword());
    }
}
