package dev.switchboard.gateway.config;

import static dev.switchboard.registry.settings.GatewaySettings.*;

import dev.switchboard.gateway.auth.ApiKeys;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.OAuthSettings;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.settings.GatewaySettings;
import dev.switchboard.registry.settings.SettingException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything the gateway is configured with, read through the settings catalogue ({@link GatewaySettings}, which
 * holds every key, default, bound and description). Keys are the environment variable names; an
 * {@code application.yaml} may set the same keys (see {@link ConfigLoader}).
 *
 * @param host                  public listener address
 * @param port                  public listener port (every public route, on event loops)
 * @param streamPort            the public listener's second port, when set
 * @param adminHost             admin listener address (loopback by default)
 * @param adminPort             admin listener port ({@code /admin}, {@code /health}, {@code /metrics})
 * @param redisUrl              Lettuce URL of the state store; empty means in-memory, single replica
 * @param redisTimeout          timeout of one Redis command
 * @param heartbeatInterval     time between heartbeats on every stream
 * @param adminTokens           bearer tokens opening {@code /admin/*} ({@code ADMIN_TOKEN}, comma-separated)
 * @param adminTokenFile        a file of further tokens, one per line, re-read when it changes
 * @param replicaId             this replica's name in the fleet
 * @param namespace             the registrations this gateway serves ({@code GATEWAY_NAMESPACE}; empty: the default
 *                              namespace, the unnamespaced form of gateways run without the operator)
 * @param shutdownGrace         how long a stopping gateway waits for streams and calls to finish
 * @param sessionTtl            idle time after which an MCP session ends
 * @param allowedOrigins        browser origins allowed on {@code /mcp} ({@code *}: any); others get 403
 * @param mcpInputTimeout       how long the gateway waits for a client's answers to one round of input requests
 * @param mcpBackendLease       how long a replica's lease on a stateful MCP backend's standalone stream lasts
 *                              without renewal (another replica takes the stream over after it lapses)
 * @param allowedFunctionNetworks non-public networks functions may be called in (the SSRF guard's allowlist)
 * @param functionConnections   the function-call engine's connect timeout and keep-alive pool bounds
 * @param rateLimit             requests per client address on the public listener
 * @param sseCorsOrigins        browser origins allowed to read {@code /sse} streams ({@code *}, a list, or {@code none})
 * @param auth                  client authentication and per-identity limits
 * @param limits                explicit limits
 * @param listeners             guards of the listeners: head timeout, per-address caps, descriptor reserve
 * @param monitor               the monitoring page's update interval and feed limit
 */
public record GatewayConfig(
        String host,
        int port,
        Optional<Integer> streamPort,
        String adminHost,
        int adminPort,
        Optional<String> redisUrl,
        Duration redisTimeout,
        Duration heartbeatInterval,
        List<String> adminTokens,
        Optional<Path> adminTokenFile,
        String replicaId,
        String namespace,
        Duration shutdownGrace,
        Duration sessionTtl,
        List<String> allowedOrigins,
        Duration mcpInputTimeout,
        Duration mcpBackendLease,
        List<String> allowedFunctionNetworks,
        FunctionConnections functionConnections,
        RateLimit rateLimit,
        List<String> sseCorsOrigins,
        AuthSettings auth,
        Limits limits,
        ListenerLimits listeners,
        Monitor monitor) {

    /**
     * The function-call engine's connections.
     *
     * @param connectTimeout  bound of opening one ({@code FUNCTION_CONNECT_TIMEOUT})
     * @param keptPerEndpoint idle connections kept per endpoint ({@code FUNCTION_CONNECTIONS_KEPT})
     * @param idleTimeout     how long an idle one is kept ({@code FUNCTION_IDLE_TIMEOUT})
     */
    public record FunctionConnections(Duration connectTimeout, int keptPerEndpoint, Duration idleTimeout) {}

    /**
     * Reads the configuration from named values (environment first, then a YAML file: see {@link ConfigLoader}).
     * Every key, default and bound is the catalogue's ({@link GatewaySettings}); what is checked here is what
     * ties settings together.
     *
     * @param values looks up a key; empty when unset
     * @return the configuration
     * @throws IllegalArgumentException naming the key whose value is invalid
     */
    public static GatewayConfig from(Function<String, Optional<String>> values) {
        // a quarter of the heap for answers by default; one answer may not be larger than all of them together
        long answerBytes = MAX_RESPONSE_BYTES_IN_FLIGHT
                .withDefault(Runtime.getRuntime().maxMemory() / 4)
                .get(values);
        Limits limits = new Limits(
                MAX_BODY_SIZE.get(values),
                STREAM_QUEUE_DEPTH.get(values),
                MAX_CONNECTIONS_PER_CLIENT.get(values),
                MAX_CONNECTIONS.get(values),
                EVENT_LOG_MAX_LENGTH.get(values),
                EVENT_LOG_TTL.get(values),
                MAX_RESPONSE_SIZE
                        .withBounds(1L, Math.min(Integer.MAX_VALUE, answerBytes))
                        .withDefault(Math.min(10L << 20, answerBytes))
                        .get(values),
                MAX_INFLIGHT_INVOCATIONS.get(values),
                MAX_EVENT_SIZE.get(values),
                MAX_MCP_SESSIONS.get(values),
                MAX_JSON_DEPTH.get(values),
                answerBytes,
                MAX_TOPICS_PER_STREAM.get(values),
                MAX_MCP_SUBSCRIPTIONS.get(values),
                MCP_STREAM_LOG_TTL.get(values),
                ASYNC_DELIVERY_TIMEOUT.get(values),
                MEMORY_STORE_MAX_BYTES
                        .withDefault(Runtime.getRuntime().maxMemory() / 4)
                        .get(values));
        GatewayConfig config = new GatewayConfig(
                HOST.get(values),
                PORT.get(values),
                STREAM_PORT.read(values),
                ADMIN_HOST.get(values),
                ADMIN_PORT.get(values),
                redisUrl(values),
                REDIS_TIMEOUT.get(values),
                HEARTBEAT_INTERVAL.get(values),
                ADMIN_TOKEN.read(values).orElse(List.of()),
                ADMIN_TOKEN_FILE.read(values).map(Path::of),
                REPLICA_ID.read(values).orElseGet(GatewayConfig::defaultReplicaId),
                GATEWAY_NAMESPACE.read(values).orElse(Namespaces.DEFAULT),
                SHUTDOWN_GRACE.get(values),
                SESSION_TTL.get(values),
                MCP_ALLOWED_ORIGINS.get(values),
                MCP_INPUT_TIMEOUT.get(values),
                MCP_BACKEND_LEASE.get(values),
                FUNCTION_ALLOWED_NETWORKS.read(values).orElse(List.of()),
                new FunctionConnections(
                        FUNCTION_CONNECT_TIMEOUT.get(values),
                        FUNCTION_CONNECTIONS_KEPT.get(values),
                        FUNCTION_IDLE_TIMEOUT.get(values)),
                rateLimit(values),
                SSE_CORS_ORIGINS.get(values),
                auth(values),
                limits,
                new ListenerLimits(
                        REQUEST_HEAD_TIMEOUT.get(values),
                        KEEP_ALIVE_TIMEOUT.get(values),
                        MAX_PENDING_HEADS_PER_IP.get(values),
                        MAX_STREAMS_PER_IP.get(values),
                        FD_RESERVE.read(values).map(OptionalLong::of).orElse(OptionalLong.empty()),
                        STREAM_LOOPS.get(values)),
                new Monitor(MONITOR_INTERVAL.get(values), MONITOR_MAX_FEEDS.get(values)));
        if (!isLoopback(config.adminHost())
                && config.adminTokens().isEmpty()
                && config.adminTokenFile().isEmpty()) {
            throw new SettingException(
                    ADMIN_HOST.key(),
                    config.adminHost() + " is reachable beyond this "
                            + "machine, so the admin API needs a token: set " + ADMIN_TOKEN.key() + " or "
                            + ADMIN_TOKEN_FILE.key());
        }
        return config;
    }

    private static AuthSettings auth(Function<String, Optional<String>> values) {
        Set<ClientAuth> methods = EnumSet.noneOf(ClientAuth.class);
        for (String name : CLIENT_AUTH.get(values)) {
            // the catalogue admits only none, api-key and jwt
            ClientAuth method = ClientAuth.fromWireName(name).orElseThrow();
            if (method != ClientAuth.NONE) {
                methods.add(method);
            }
        }
        List<String> apiKeys = API_KEYS.read(values).orElse(List.of());
        Optional<Path> apiKeysFile = API_KEYS_FILE.read(values).map(Path::of);
        double perIdentity = RATE_LIMIT_PER_IDENTITY.get(values);
        AuthSettings settings = new AuthSettings(
                methods,
                apiKeys,
                apiKeysFile,
                oauth(values),
                perIdentity,
                RATE_LIMIT_IDENTITY_BURST.withDefault(twiceTheRate(perIdentity)).get(values),
                MAX_STREAMS_PER_IDENTITY.get(values));
        if (methods.contains(ClientAuth.API_KEY) && !settings.canCheck(ClientAuth.API_KEY)) {
            throw new SettingException(
                    CLIENT_AUTH.key(), "api-key needs " + API_KEYS.key() + " or " + API_KEYS_FILE.key());
        }
        if (methods.contains(ClientAuth.JWT) && !settings.canCheck(ClientAuth.JWT)) {
            throw new SettingException(CLIENT_AUTH.key(), "jwt needs " + oauthKeys());
        }
        // refuses malformed entries now, naming the key
        ApiKeys.of(apiKeys, apiKeysFile);
        return settings;
    }

    private static String oauthKeys() {
        return OAUTH_ISSUER.key() + ", " + OAUTH_JWKS_URL.key() + " and " + OAUTH_RESOURCE.key();
    }

    private static Optional<OAuthSettings> oauth(Function<String, Optional<String>> values) {
        Optional<String> issuer = OAUTH_ISSUER.read(values);
        Optional<String> jwks = OAUTH_JWKS_URL.read(values);
        Optional<String> resource = OAUTH_RESOURCE.read(values);
        if (issuer.isEmpty() && jwks.isEmpty() && resource.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || jwks.isEmpty() || resource.isEmpty()) {
            throw new IllegalArgumentException(oauthKeys() + " are set together");
        }
        URI resourceUrl = URI.create(resource.get());
        return Optional.of(new OAuthSettings(
                issuer.get(),
                URI.create(jwks.get()),
                resourceUrl,
                OAUTH_AUDIENCE.read(values).orElse(resourceUrl.toString()),
                OAUTH_REQUIRED_SCOPES.read(values).orElse(List.of())));
    }

    /**
     * @param interval how often each replica writes its monitoring snapshot and open pages are updated
     * @param maxFeeds monitoring pages one replica feeds at once
     */
    public record Monitor(Duration interval, int maxFeeds) {}

    private static RateLimit rateLimit(Function<String, Optional<String>> values) {
        double perSecond = RATE_LIMIT_PER_IP.get(values);
        return new RateLimit(
                perSecond,
                RATE_LIMIT_BURST.withDefault(twiceTheRate(perSecond)).get(values),
                TRUSTED_PROXIES.read(values).orElse(List.of()));
    }

    /** The default burst: two seconds' worth of requests, at least one. */
    private static int twiceTheRate(double perSecond) {
        return (int) Math.max(1, Math.ceil(2 * perSecond));
    }

    /**
     * @param perIpPerSecond average requests a second per client address; 0 turns the limit off
     * @param burst          largest burst per client address
     * @param trustedProxies CIDR blocks of proxies whose {@code X-Forwarded-For} names the client
     */
    public record RateLimit(double perIpPerSecond, int burst, List<String> trustedProxies) {
        /** @return whether requests are limited */
        public boolean enabled() {
            return perIpPerSecond > 0;
        }
    }

    /** @return whether an address is only reachable from this machine */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /**
     * @param values explicit values (tests)
     * @return the configuration
     */
    public static GatewayConfig from(Map<String, String> values) {
        return from(key -> Optional.ofNullable(values.get(key)));
    }

    /** @return whether shared state lives in Redis */
    public boolean usesRedis() {
        return redisUrl.isPresent();
    }

    /** {@code REDIS_URL}, else the original project's {@code REDIS_ADDR}/{@code REDIS_PASSWORD}/{@code REDIS_DB}. */
    private static Optional<String> redisUrl(Function<String, Optional<String>> values) {
        Optional<String> url = REDIS_URL.read(values);
        if (url.isPresent()) {
            return url;
        }
        Optional<String> addr = REDIS_ADDR.read(values);
        if (addr.isEmpty()) {
            return Optional.empty();
        }
        int db = REDIS_DB.get(values);
        String auth = REDIS_PASSWORD
                .read(values)
                // URLEncoder is form encoding: a space must be %20 in a URI's user info, not +
                .map(p -> ":" + URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20") + "@")
                .orElse("");
        return Optional.of("redis://" + auth + addr.get() + "/" + db);
    }

    private static String defaultReplicaId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse("gateway");
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
