package dev.switchboard.gateway.config;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.switchboard.gateway.auth.ApiKeys;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.OAuthSettings;
import dev.switchboard.gateway.auth.AdminTokens;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.registry.ClientAuth;
import dev.switchboard.registry.Durations;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RedisTarget;

/**
 * Everything the gateway is configured with. Keys are the environment variable names; an
 * {@code application.yaml} may set the same keys (see {@link ConfigLoader}).
 *
 * @param host                  public listener address
 * @param port                  public listener port ({@code /sse}, {@code /invoke})
 * @param streamPort            the stream listener's port ({@code GET /sse} on an event loop), when enabled
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
 * @param rateLimit             requests per client address on the public listener
 * @param sseCorsOrigins        browser origins allowed to read {@code /sse} streams ({@code *}, a list, or {@code none})
 * @param auth                  client authentication and per-identity limits
 * @param limits                explicit limits
 * @param listeners             guards of the listeners: head timeout, per-address caps, descriptor reserve
 * @param monitor               the monitoring page's update interval and feed limit
 */
public record GatewayConfig(String host,
                            int port,
                            Optional<Integer> streamPort,
                            String adminHost,
                            int adminPort,
                            Optional<String> redisUrl,
                            Duration redisTimeout,
                            Duration heartbeatInterval,
                            java.util.List<String> adminTokens,
                            Optional<java.nio.file.Path> adminTokenFile,
                            String replicaId,
                            String namespace,
                            Duration shutdownGrace,
                            Duration sessionTtl,
                            java.util.List<String> allowedOrigins,
                            Duration mcpInputTimeout,
                            Duration mcpBackendLease,
                            java.util.List<String> allowedFunctionNetworks,
                            RateLimit rateLimit,
                            java.util.List<String> sseCorsOrigins,
                            AuthSettings auth,
                            Limits limits,
                            ListenerLimits listeners,
                            Monitor monitor) {

    /** Browsers on the local machine only: protection against DNS rebinding by default. */
    public static final String DEFAULT_ALLOWED_ORIGINS = "http://localhost,https://localhost,http://127.0.0.1,"
            + "https://127.0.0.1,http://[::1],https://[::1]";

    /**
     * Reads the configuration from named values (environment first, then a YAML file: see {@link ConfigLoader}).
     *
     * @param values looks up a key; empty when unset
     * @return the configuration
     * @throws IllegalArgumentException naming the key whose value is invalid
     */
    public static GatewayConfig from(Function<String, Optional<String>> values) {
        Reader r = new Reader(values);
        // a quarter of the heap for answers by default; one answer may not be larger than all of them together
        long answerBytes = r.size("MAX_RESPONSE_BYTES_IN_FLIGHT", "" + Runtime.getRuntime().maxMemory() / 4, 1,
                                  Long.MAX_VALUE);
        Limits limits = new Limits(
                r.size("MAX_BODY_SIZE", "1MiB", 1, Integer.MAX_VALUE),
                r.integer("STREAM_QUEUE_DEPTH", 256, 1, 1_000_000),
                r.integer("MAX_CONNECTIONS_PER_CLIENT", 16, 1, 1_000_000),
                r.integer("MAX_CONNECTIONS", 100_000, 1, 10_000_000),
                r.integer("EVENT_LOG_MAX_LENGTH", 1000, 1, 10_000_000),
                r.duration("EVENT_LOG_TTL", "1h", Duration.ofSeconds(1), Duration.ofDays(30)),
                r.size("MAX_RESPONSE_SIZE", "" + Math.min(10L << 20, answerBytes), 1,
                       Math.min(Integer.MAX_VALUE, answerBytes)),
                r.integer("MAX_INFLIGHT_INVOCATIONS", 1024, 1, 1_000_000),
                r.size("MAX_EVENT_SIZE", "1MiB", 1, Integer.MAX_VALUE),
                r.integer("MAX_MCP_SESSIONS", 100_000, 1, 100_000_000),
                r.integer("MAX_JSON_DEPTH", 64, 2, JsonMapper.MAX_NESTING_DEPTH),
                answerBytes,
                r.integer("MAX_TOPICS_PER_STREAM", 16, 1, 256),
                r.integer("MAX_MCP_SUBSCRIPTIONS", 100, 1, 100_000));
        GatewayConfig config = new GatewayConfig(
                r.text("HOST", "0.0.0.0"),
                r.integer("PORT", 8080, 0, 65535),
                r.optional("STREAM_PORT").map(v -> r.integer("STREAM_PORT", 0, 0, 65535)),
                r.text("ADMIN_HOST", "127.0.0.1"),
                r.integer("ADMIN_PORT", 9090, 0, 65535),
                redisUrl(r),
                r.duration("REDIS_TIMEOUT", "2s", Duration.ofMillis(10), Duration.ofMinutes(1)),
                r.duration("HEARTBEAT_INTERVAL", "15s", Duration.ofMillis(100), Duration.ofHours(1)),
                r.list("ADMIN_TOKEN", "").stream().map(t -> AdminTokens.check(t, "ADMIN_TOKEN")).toList(),
                r.optional("ADMIN_TOKEN_FILE").map(java.nio.file.Path::of),
                r.optional("REPLICA_ID").orElseGet(GatewayConfig::defaultReplicaId),
                namespace(r),
                r.duration("SHUTDOWN_GRACE", "5s", Duration.ZERO, Duration.ofMinutes(10)),
                r.duration("SESSION_TTL", "30m", Duration.ofSeconds(1), Duration.ofDays(7)),
                r.list("MCP_ALLOWED_ORIGINS", DEFAULT_ALLOWED_ORIGINS),
                r.duration("MCP_INPUT_TIMEOUT", "5m", Duration.ofSeconds(1), Duration.ofHours(1)),
                r.duration("MCP_BACKEND_LEASE", "15s", Duration.ofMillis(300), Duration.ofMinutes(10)),
                allowedNetworks(r),
                rateLimit(r),
                r.list("SSE_CORS_ORIGINS", "*"),
                auth(r),
                limits,
                listenerLimits(r),
                new Monitor(r.duration("MONITOR_INTERVAL", "2s", Duration.ofMillis(200), Duration.ofMinutes(1)),
                            r.integer("MONITOR_MAX_FEEDS", 8, 1, 1000)));
        if (!isLoopback(config.adminHost()) && config.adminTokens().isEmpty() && config.adminTokenFile().isEmpty()) {
            throw new IllegalArgumentException("ADMIN_HOST: " + config.adminHost() + " is reachable beyond this "
                    + "machine, so the admin API needs a token: set ADMIN_TOKEN or ADMIN_TOKEN_FILE");
        }
        return config;
    }

    private static ListenerLimits listenerLimits(Reader r) {
        return new ListenerLimits(
                r.duration("REQUEST_HEAD_TIMEOUT", "10s", Duration.ofMillis(100), Duration.ofMinutes(10)),
                r.integer("MAX_PENDING_HEADS_PER_IP", 64, 1, 1_000_000),
                r.integer("MAX_STREAMS_PER_IP", 1024, 1, 10_000_000),
                r.optional("FD_RESERVE").map(v -> java.util.OptionalLong.of(r.integer("FD_RESERVE", 0, 0, 10_000_000)))
                        .orElse(java.util.OptionalLong.empty()));
    }

    private static String namespace(Reader r) {
        try {
            return Namespaces.of(r.optional("GATEWAY_NAMESPACE").orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GATEWAY_NAMESPACE: " + e.getMessage());
        }
    }

    private static AuthSettings auth(Reader r) {
        Set<ClientAuth> methods = EnumSet.noneOf(ClientAuth.class);
        for (String name : r.list("CLIENT_AUTH", "none")) {
            ClientAuth method = ClientAuth.fromWireName(name).filter(m -> m != ClientAuth.DEFAULT)
                    .orElseThrow(() -> new IllegalArgumentException("CLIENT_AUTH: unknown method '" + name
                            + "' (none, api-key, jwt, or api-key,jwt)"));
            if (method != ClientAuth.NONE) {
                methods.add(method);
            }
        }
        // commas or lines: a Secret mounted into API_KEYS holds one entry per line
        java.util.List<String> apiKeys = java.util.Arrays.stream(r.text("API_KEYS", "").split("[,\\r\\n]+"))
                .map(String::strip).filter(entry -> !entry.isEmpty() && !entry.startsWith("#")).toList();
        Optional<java.nio.file.Path> apiKeysFile = r.optional("API_KEYS_FILE").map(java.nio.file.Path::of);
        double perIdentity = r.decimal("RATE_LIMIT_PER_IDENTITY", 0, 0, 1_000_000);
        AuthSettings settings = new AuthSettings(methods, apiKeys, apiKeysFile, oauth(r), perIdentity,
                r.integer("RATE_LIMIT_IDENTITY_BURST", (int) Math.max(1, Math.ceil(2 * perIdentity)), 1, 10_000_000),
                r.integer("MAX_STREAMS_PER_IDENTITY", 64, 1, 1_000_000));
        if (methods.contains(ClientAuth.API_KEY) && !settings.canCheck(ClientAuth.API_KEY)) {
            throw new IllegalArgumentException("CLIENT_AUTH: api-key needs API_KEYS or API_KEYS_FILE");
        }
        if (methods.contains(ClientAuth.JWT) && !settings.canCheck(ClientAuth.JWT)) {
            throw new IllegalArgumentException("CLIENT_AUTH: jwt needs OAUTH_ISSUER, OAUTH_JWKS_URL and "
                                                       + "OAUTH_RESOURCE");
        }
        // refuses malformed entries now, naming the key
        ApiKeys.of(apiKeys, apiKeysFile);
        return settings;
    }

    private static Optional<OAuthSettings> oauth(Reader r) {
        Optional<String> issuer = r.optional("OAUTH_ISSUER");
        Optional<String> jwks = r.optional("OAUTH_JWKS_URL");
        Optional<String> resource = r.optional("OAUTH_RESOURCE");
        if (issuer.isEmpty() && jwks.isEmpty() && resource.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || jwks.isEmpty() || resource.isEmpty()) {
            throw new IllegalArgumentException("OAUTH_ISSUER, OAUTH_JWKS_URL and OAUTH_RESOURCE are set together");
        }
        java.net.URI jwksUrl = httpUrl("OAUTH_JWKS_URL", jwks.get());
        java.net.URI resourceUrl = httpUrl("OAUTH_RESOURCE", resource.get());
        if (resourceUrl.getRawQuery() != null || resourceUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("OAUTH_RESOURCE: a resource identifier has no query or fragment");
        }
        java.util.List<String> scopes = java.util.Arrays.stream(r.text("OAUTH_REQUIRED_SCOPES", "").split("[\\s,]+"))
                .filter(scope -> !scope.isEmpty()).toList();
        return Optional.of(new OAuthSettings(issuer.get(), jwksUrl, resourceUrl,
                                             r.text("OAUTH_AUDIENCE", resourceUrl.toString()), scopes));
    }

    private static java.net.URI httpUrl(String key, String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException(key + ": must be an absolute http or https URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(key + ": not a URL: " + e.getReason());
        }
    }

    /**
     * @param interval how often each replica writes its monitoring snapshot and open pages are updated
     * @param maxFeeds monitoring pages one replica feeds at once
     */
    public record Monitor(Duration interval, int maxFeeds) {
    }

    private static RateLimit rateLimit(Reader r) {
        double perSecond = r.decimal("RATE_LIMIT_PER_IP", 0, 0, 1_000_000);
        int burst = r.integer("RATE_LIMIT_BURST", (int) Math.max(1, Math.ceil(2 * perSecond)), 1, 10_000_000);
        java.util.List<String> proxies = r.list("TRUSTED_PROXIES", "");
        dev.switchboard.gateway.net.ClientAddresses.trusting(proxies); // refuses a malformed block now
        return new RateLimit(perSecond, burst, proxies);
    }

    /**
     * @param perIpPerSecond average requests a second per client address; 0 turns the limit off
     * @param burst          largest burst per client address
     * @param trustedProxies CIDR blocks of proxies whose {@code X-Forwarded-For} names the client
     */
    public record RateLimit(double perIpPerSecond, int burst, java.util.List<String> trustedProxies) {
        /** @return whether requests are limited */
        public boolean enabled() {
            return perIpPerSecond > 0;
        }
    }

    private static java.util.List<String> allowedNetworks(Reader r) {
        java.util.List<String> networks = r.list("FUNCTION_ALLOWED_NETWORKS", "");
        EgressPolicy.allowing(networks); // refuses a malformed block now, naming the key
        return networks;
    }

    /** @return whether an address is only reachable from this machine */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
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
    private static Optional<String> redisUrl(Reader r) {
        Optional<String> url = r.optional("REDIS_URL");
        if (url.isPresent()) {
            String value = url.get();
            if (!value.matches("(?i)(redis|rediss|redis-sentinel|redis-socket|redis-cluster|rediss-cluster)://.+")) {
                throw new IllegalArgumentException("REDIS_URL: must start with redis://, rediss://, redis-sentinel://, "
                                                           + "redis-socket://, redis-cluster:// or rediss-cluster://");
            }
            try {
                RedisTarget.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("REDIS_URL: " + e.getMessage());
            }
            return url;
        }
        Optional<String> addr = r.optional("REDIS_ADDR");
        if (addr.isEmpty()) {
            return Optional.empty();
        }
        if (!addr.get().matches("[^\\s/@]+:\\d{1,5}")) {
            throw new IllegalArgumentException("REDIS_ADDR: must be host:port");
        }
        int db = r.integer("REDIS_DB", 0, 0, 1024);
        String auth = r.optional("REDIS_PASSWORD")
                // URLEncoder is form encoding: a space must be %20 in a URI's user info, not +
                .map(p -> ":" + URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20") + "@")
                .orElse("");
        return Optional.of("redis://" + auth + addr.get() + "/" + db);
    }

    private static String defaultReplicaId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("gateway");
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** Typed reads that name the key in every error. */
    private record Reader(Function<String, Optional<String>> values) {
        Optional<String> optional(String key) {
            return values.apply(key).map(String::trim).filter(v -> !v.isEmpty());
        }

        String text(String key, String fallback) {
            return optional(key).orElse(fallback);
        }

        /** A comma-separated value: its entries, trimmed, blanks dropped. */
        java.util.List<String> list(String key, String fallback) {
            return java.util.Arrays.stream(text(key, fallback).split(",")).map(String::trim)
                    .filter(entry -> !entry.isEmpty()).toList();
        }

        double decimal(String key, double fallback, double min, double max) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(value.get());
                if (!(parsed >= min && parsed <= max)) {
                    throw new IllegalArgumentException(key + ": must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a number: '" + value.get() + "'");
            }
        }

        int integer(String key, int fallback, int min, int max) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value.get());
                if (parsed < min || parsed > max) {
                    throw new IllegalArgumentException(key + ": must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not an integer: '" + value.get() + "'");
            }
        }

        long size(String key, String fallback, long min, long max) {
            String value = text(key, fallback);
            try {
                long parsed = ByteSizes.parse(value);
                if (parsed < min || parsed > max) {
                    throw new IllegalArgumentException(key + ": must be between " + min + " and " + max + " bytes");
                }
                return parsed;
            } catch (IllegalArgumentException e) {
                if (e.getMessage().startsWith(key)) {
                    throw e;
                }
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }

        Duration duration(String key, String fallback, Duration min, Duration max) {
            String value = text(key, fallback);
            Duration parsed;
            try {
                parsed = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
            if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                throw new IllegalArgumentException(key + ": must be between " + Durations.format(min) + " and "
                                                           + Durations.format(max));
            }
            return parsed;
        }
    }
}
