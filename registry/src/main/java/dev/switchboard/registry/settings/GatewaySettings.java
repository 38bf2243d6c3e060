package dev.switchboard.registry.settings;

import dev.switchboard.registry.Cidr;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RedisTarget;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of the gateway, defined once: the gateway reads them ({@code GatewayConfig}), the operator writes
 * their keys ({@code GatewayEnvironment}), and README's configuration table is printed from this list
 * ({@link SettingsTable}; a test fails when README differs). A new setting is one constant here, added to
 * {@link #ALL}.
 */
public final class GatewaySettings {
    private static final int MAX_PORT = 65535;

    private GatewaySettings() {}

    // ---- listeners ----

    public static final Setting<Integer> PORT = Setting.integer("PORT", 8080, 0, MAX_PORT)
            .describedAs("public listener: `/sse`, `/invoke`, `/mcp`, `/publish`, on event loops "
                    + "(`STREAM_LOOPS`; about 1.6 KB of heap per idle stream)");
    public static final Setting<String> HOST =
            Setting.text("HOST", "0.0.0.0").checkedBy(ListenHostRule::check).describedAs("public listener address");
    public static final Setting<Integer> STREAM_PORT = Setting.integer("STREAM_PORT", null, 0, MAX_PORT)
            .computedDefault("unset (off)")
            .describedAs("a second port of the public listener, with every route, rule and answer of `PORT`, "
                    + "for deployments that give their clients that port (Docker Compose and the operator use "
                    + "`8081`); with `jwt`, `OAUTH_RESOURCE` names the URL clients are given");
    public static final Setting<Integer> STREAM_LOOPS = Setting.integer("STREAM_LOOPS", 1, 1, 64)
            .describedAs("event loops of the public listener per port, each accepting from it (the kernel spreads "
                    + "connections over them) and writing its own streams, so that an event for many streams is "
                    + "written by all loops at once; more than one pays off only on cores the clients' traffic does "
                    + "not need (on 2 shared cores, one loop measured faster: bench/notes.md)");
    public static final Setting<Integer> ADMIN_PORT = Setting.integer("ADMIN_PORT", 9090, 0, MAX_PORT)
            .describedAs("admin listener: `/admin/*`, `/health/*`, `/metrics`");
    public static final Setting<String> ADMIN_HOST = Setting.text("ADMIN_HOST", "127.0.0.1")
            .checkedBy(ListenHostRule::check)
            .describedAs("admin listener address; any address beyond loopback needs a token, or the gateway refuses "
                    + "to start");
    public static final Setting<List<String>> ADMIN_TOKEN = Setting.list("ADMIN_TOKEN", null)
            .checkedBy((key, tokens) -> tokens.forEach(t -> AdminTokenRule.check(t, key)))
            .secret()
            .describedAs("bearer tokens for `/admin/*` (`Authorization: Bearer <token>`; probes and metrics need "
                    + "none), comma-separated so that a new one can be added before the old one is removed; each at "
                    + "least " + AdminTokenRule.MIN_LENGTH + " characters");
    public static final Setting<String> ADMIN_TOKEN_FILE = Setting.checkedText(
                    "ADMIN_TOKEN_FILE", Setting.Type.FILE, (k, t) -> t)
            .describedAs("a file of further tokens, one per line (`#` comments), such as a mounted Kubernetes "
                    + "Secret; re-read when it changes");

    // ---- calls to functions ----

    public static final Setting<List<String>> FUNCTION_ALLOWED_NETWORKS = cidrList("FUNCTION_ALLOWED_NETWORKS")
            .describedAs("CIDR blocks (comma-separated) of non-public addresses functions may live at, e.g. "
                    + "`127.0.0.0/8` on a workstation or `10.0.0.0/8` in a cluster. Unset, the gateway calls only "
                    + "public addresses: loopback, link-local (cloud metadata), private and unique-local addresses "
                    + "are refused at registration (400 `INVALID_FUNCTION`) and, checked on every connection after "
                    + "DNS, at call time");
    public static final Setting<Duration> FUNCTION_CONNECT_TIMEOUT = Setting.duration(
                    "FUNCTION_CONNECT_TIMEOUT", "5s", Duration.ofMillis(10), Duration.ofMinutes(5))
            .describedAs("bound of opening a connection to a function, TLS handshake included (or the call's "
                    + "timeout, when shorter)");
    public static final Setting<Integer> FUNCTION_CONNECTIONS_KEPT = Setting.integer(
                    "FUNCTION_CONNECTIONS_KEPT", 256, 0, 100_000)
            .describedAs("idle keep-alive connections kept per function endpoint (scheme, host and port); more "
                    + "calls at once open connections that are closed after their answer");
    public static final Setting<Duration> FUNCTION_IDLE_TIMEOUT = Setting.duration(
                    "FUNCTION_IDLE_TIMEOUT", "30s", Duration.ofMillis(100), Duration.ofHours(1))
            .describedAs("how long an idle connection to a function is kept (a function may close it sooner: that "
                    + "is found out before use)");

    // ---- client authentication ----

    public static final Setting<List<String>> CLIENT_AUTH = Setting.choices(
                    "CLIENT_AUTH", "none", "none", "api-key", "jwt")
            .describedAs("credentials clients must present on the public listener: `none`, `api-key`, `jwt`, or "
                    + "`api-key,jwt`; a registration's `auth` may override it per function. 401 with "
                    + "`WWW-Authenticate` without them ([security.md](docs/security.md#client-authentication))");
    public static final Setting<List<String>> API_KEYS = Setting.list("API_KEYS", null)
            .parsedBy(
                    Setting.Type.LIST,
                    (k, t) -> Setting.entries(t, "[,\\r\\n]+").stream()
                            .filter(entry -> !entry.startsWith("#"))
                            .toList())
            .secret()
            .describedAs("client API keys as `<name>:<sha256 hex of the key>` entries, comma- or line-separated "
                    + "(only digests are configured: `printf %s \"$KEY\" | sha256sum`); the name is the caller's "
                    + "subject. An entry may end with topic grants, `:publish=<patterns>;subscribe=<patterns>` "
                    + "(patterns `|`-separated, e.g. `news|room:*`): a publish grant makes the key a publisher "
                    + "credential ([API.md section 9](docs/API.md#9-topics-and-post-publishtopic))");
    public static final Setting<String> API_KEYS_FILE = Setting.checkedText(
                    "API_KEYS_FILE", Setting.Type.FILE, (k, t) -> t)
            .describedAs("a file of further entries, one per line, re-read when it changes");
    public static final Setting<String> OAUTH_ISSUER = Setting.text("OAUTH_ISSUER", null)
            .describedAs("for `jwt`, set with `OAUTH_JWKS_URL` and `OAUTH_RESOURCE`: the required `iss`");
    public static final Setting<String> OAUTH_JWKS_URL = Setting.checkedText(
                    "OAUTH_JWKS_URL", Setting.Type.URL, GatewaySettings::httpUrl)
            .describedAs("for `jwt`: where the issuer's signing keys are (an http or https URL)");
    public static final Setting<String> OAUTH_RESOURCE = Setting.checkedText(
                    "OAUTH_RESOURCE", Setting.Type.URL, GatewaySettings::resourceUrl)
            .describedAs("for `jwt`: this gateway's public URL, without query or fragment (the token audience, and "
                    + "the `resource` of `/.well-known/oauth-protected-resource`)");
    public static final Setting<String> OAUTH_AUDIENCE = Setting.text("OAUTH_AUDIENCE", null)
            .computedDefault("`OAUTH_RESOURCE`")
            .describedAs("the required `aud`, when the issuer uses another value");
    public static final Setting<List<String>> OAUTH_REQUIRED_SCOPES = Setting.list("OAUTH_REQUIRED_SCOPES", null)
            .parsedBy(Setting.Type.LIST, (k, t) -> Setting.entries(t, "[\\s,]+"))
            .describedAs("scopes every token must carry (space- or comma-separated); 403 `insufficient_scope` "
                    + "otherwise");
    public static final Setting<Double> RATE_LIMIT_PER_IDENTITY = Setting.decimal(
                    "RATE_LIMIT_PER_IDENTITY", 0.0, 0, 1_000_000)
            .describedAs("requests a second per authenticated identity on one replica, `0` for no limit; beyond it, "
                    + "429 `RATE_LIMITED`");
    public static final Setting<Integer> RATE_LIMIT_IDENTITY_BURST = Setting.integer(
                    "RATE_LIMIT_IDENTITY_BURST", null, 1, 10_000_000)
            .computedDefault("twice the rate")
            .describedAs("largest burst per authenticated identity");
    public static final Setting<Integer> MAX_STREAMS_PER_IDENTITY = Setting.integer(
                    "MAX_STREAMS_PER_IDENTITY", 64, 1, 1_000_000)
            .describedAs("open streams (`/sse` and MCP) one authenticated identity may hold on one replica (429 "
                    + "`TOO_MANY_STREAMS`)");

    // ---- per-address guards ----

    public static final Setting<Double> RATE_LIMIT_PER_IP = Setting.decimal("RATE_LIMIT_PER_IP", 0.0, 0, 1_000_000)
            .describedAs("average requests a second per client address on the public listener (opening a stream "
                    + "counts as one), `0` for no limit; beyond it, 429 `RATE_LIMITED` with `Retry-After`");
    public static final Setting<Integer> RATE_LIMIT_BURST = Setting.integer("RATE_LIMIT_BURST", null, 1, 10_000_000)
            .computedDefault("twice the rate")
            .describedAs("largest burst per client address");
    public static final Setting<List<String>> TRUSTED_PROXIES = cidrList("TRUSTED_PROXIES")
            .describedAs("CIDR blocks of load balancers whose `X-Forwarded-For` names the client (for the rate "
                    + "limit and `MAX_STREAMS_PER_IP`); unset, the header is ignored");
    public static final Setting<Duration> REQUEST_HEAD_TIMEOUT = Setting.duration(
                    "REQUEST_HEAD_TIMEOUT", "10s", Duration.ofMillis(100), Duration.ofMinutes(10))
            .describedAs("on every listener, a connection that has not sent a whole request head within this is "
                    + "closed (slow-loris and silent-connection guard; an open stream or a slow call is not "
                    + "affected)");
    public static final Setting<Duration> KEEP_ALIVE_TIMEOUT = Setting.duration(
                    "KEEP_ALIVE_TIMEOUT", "75s", Duration.ofSeconds(1), Duration.ofHours(1))
            .describedAs("on the public listener, how long a kept-alive connection may stay silent "
                    + "between an answer and the client's next request before it is closed: longer than common "
                    + "clients and load balancers keep an idle connection (AWS ALB and nginx 60 s), so they close "
                    + "it first; behind a balancer that keeps longer, set it above that balancer's idle timeout. "
                    + "Once the next request starts, `REQUEST_HEAD_TIMEOUT` bounds its head. The admin listener "
                    + "(Helidon), which cannot tell a silent connection from a slow head, gives a kept-alive "
                    + "connection `REQUEST_HEAD_TIMEOUT` for its next head, and sheds the oldest silent one when "
                    + "they take its share of connections");
    public static final Setting<Integer> MAX_PENDING_HEADS_PER_IP = Setting.integer(
                    "MAX_PENDING_HEADS_PER_IP", 64, 1, 1_000_000)
            .describedAs("connections one address may have on one listener whose head is overdue (not whole a "
                    + "second after accept, or half `REQUEST_HEAD_TIMEOUT` when shorter); one more overdue gets 429 "
                    + "`TOO_MANY_CONNECTIONS_FROM_ADDRESS`, and so does a new connection while the address is at the "
                    + "cap (`TRUSTED_PROXIES` are exempt). A burst whose heads come in time is never refused");
    public static final Setting<Integer> MAX_STREAMS_PER_IP = Setting.integer("MAX_STREAMS_PER_IP", 1024, 1, 10_000_000)
            .describedAs("streams (`/sse` and MCP `GET` streams, on every port, together) one client address "
                    + "may hold on one replica (429 `TOO_MANY_STREAMS_FROM_ADDRESS`; under `/mcp/` a JSON-RPC error, "
                    + "429 `-32000`)");
    public static final Setting<Integer> FD_RESERVE = Setting.integer("FD_RESERVE", null, 0, 10_000_000)
            .computedDefault("`32` + min(`MAX_INFLIGHT_INVOCATIONS`, a quarter of `ulimit -n`)")
            .describedAs("file descriptors kept free for function calls, Redis and logs; each listener's connection "
                    + "cap is set from what the open-file limit leaves (logged at start)");
    public static final Setting<List<String>> SSE_CORS_ORIGINS = Setting.list("SSE_CORS_ORIGINS", "*")
            .describedAs("browser origins allowed to read `/sse` streams and call `/invoke` with `fetch`: `*` (any "
                    + "page), a comma-separated list (the matching origin is echoed, with `Vary: Origin`; an entry "
                    + "without a port allows any port), or `none`");

    // ---- state store ----

    public static final Setting<String> REDIS_URL = Setting.checkedText(
                    "REDIS_URL", Setting.Type.URL, GatewaySettings::redisUrl)
            .secret()
            .describedAs("state store, a Lettuce URI: `redis://[:password@]host:port/db`, `rediss://…` (TLS), "
                    + "`redis-sentinel://host:26379,host2:26379/0#mymaster`, or a Redis Cluster: "
                    + "`redis-cluster://[:password@]host:7000,host2:7000` (`rediss-cluster://` for TLS; any reachable "
                    + "masters as seeds). Unset: in-memory state, one replica, nothing survives a restart (logged at "
                    + "start-up)");
    public static final Setting<String> REDIS_ADDR = Setting.checkedText(
                    "REDIS_ADDR", Setting.Type.TEXT, GatewaySettings::hostPort)
            .describedAs("the original project's form (`host:port`), used when `REDIS_URL` is unset");
    public static final Setting<String> REDIS_PASSWORD =
            Setting.text("REDIS_PASSWORD", null).secret().describedAs("with `REDIS_ADDR`: the password");
    public static final Setting<Integer> REDIS_DB =
            Setting.integer("REDIS_DB", 0, 0, 1024).describedAs("with `REDIS_ADDR`: the database number");
    public static final Setting<Duration> REDIS_TIMEOUT = Setting.duration(
                    "REDIS_TIMEOUT", "2s", Duration.ofMillis(10), Duration.ofMinutes(1))
            .describedAs("timeout of one Redis command; while Redis is unreachable commands fail at once");

    // ---- the replica ----

    public static final Setting<Duration> HEARTBEAT_INTERVAL = Setting.duration(
                    "HEARTBEAT_INTERVAL", "15s", Duration.ofMillis(100), Duration.ofHours(1))
            .describedAs("time between heartbeats on every stream");
    public static final Setting<String> REPLICA_ID = Setting.text("REPLICA_ID", null)
            .computedDefault("`$HOSTNAME-<pid>` (`gateway-<pid>` when `HOSTNAME` is not in the environment)")
            .describedAs("this replica's name in `/admin/connections` and on the monitoring page");
    public static final Setting<String> GATEWAY_NAMESPACE = Setting.checkedText(
                    "GATEWAY_NAMESPACE", Setting.Type.TEXT, (k, t) -> Namespaces.of(t))
            .describedAs("the namespace whose registrations this gateway serves and `/admin/functions` manages (a "
                    + "DNS label; the operator sets the gateway's Kubernetes namespace). Unset: the default "
                    + "namespace, the original unnamespaced registrations");
    public static final Setting<String> LOG_FORMAT = Setting.choice("LOG_FORMAT", "text", "text", "json")
            .describedAs("`text`: readable lines; `json`: one JSON object per line (`time`, `level`, `logger`, "
                    + "`message`, `exception`, `request_id`, and `trace_id`/`span_id` with tracing, when present) for log "
                    + "pipelines");
    public static final Setting<String> OTEL_EXPORTER_OTLP_ENDPOINT = Setting.text("OTEL_EXPORTER_OTLP_ENDPOINT", null)
            .computedDefault("unset (tracing off)")
            .describedAs(
                    "OpenTelemetry tracing: the OTLP/HTTP collector (e.g. `http://otel-collector:4318`); read from "
                            + "the environment only, with the other standard `OTEL_*` variables (`OTEL_SERVICE_NAME`, "
                            + "`OTEL_TRACES_SAMPLER`, ...). Spans, attributes and a Jaeger example: "
                            + "[operations.md](docs/operations.md#tracing)");
    public static final Setting<String> CONFIG_FILE = Setting.checkedText("CONFIG_FILE", Setting.Type.FILE, (k, t) -> t)
            .computedDefault("`application.yaml` when present")
            .describedAs(
                    "a YAML file of these keys but `CONFIG_FILE`, `LOG_FORMAT` and `OTEL_EXPORTER_OTLP_ENDPOINT`, which are read from the "
                            + "environment only (environment variables win over the file); a key not in this table stops the "
                            + "gateway");
    public static final Setting<Duration> MONITOR_INTERVAL = Setting.duration(
                    "MONITOR_INTERVAL", "2s", Duration.ofMillis(200), Duration.ofMinutes(1))
            .describedAs("how often each replica writes its monitoring snapshot to the state store and open "
                    + "monitoring pages are updated");
    public static final Setting<Integer> MONITOR_MAX_FEEDS = Setting.integer("MONITOR_MAX_FEEDS", 8, 1, 1000)
            .describedAs("monitoring pages one replica feeds at once (429 `TOO_MANY_FEEDS`)");
    public static final Setting<Duration> SHUTDOWN_GRACE = Setting.duration(
                    "SHUTDOWN_GRACE", "5s", Duration.ZERO, Duration.ofMinutes(10))
            .describedAs("on SIGTERM: time for streams to close and calls to finish");

    // ---- limits ----

    public static final Setting<Long> MAX_BODY_SIZE = Setting.size("MAX_BODY_SIZE", "1MiB", 1, Integer.MAX_VALUE)
            .describedAs("largest request body (413 `PAYLOAD_TOO_LARGE`)");
    public static final Setting<Integer> MAX_JSON_DEPTH = Setting.integer(
                    "MAX_JSON_DEPTH", 64, 2, JsonMapper.MAX_NESTING_DEPTH)
            .describedAs("deepest nesting of a public request's JSON body (400 `JSON_TOO_DEEP`; a JSON-RPC parse "
                    + "error under `/mcp`)");
    public static final Setting<Integer> STREAM_QUEUE_DEPTH = Setting.integer("STREAM_QUEUE_DEPTH", 256, 1, 1_000_000)
            .describedAs("events queued for one stream; a client that falls further behind is disconnected (its "
                    + "events stay in the log for replay)");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_CLIENT = Setting.integer(
                    "MAX_CONNECTIONS_PER_CLIENT", 16, 1, 1_000_000)
            .describedAs("open streams per client id on one replica (429 `TOO_MANY_CONNECTIONS`)");
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("MAX_CONNECTIONS", 100_000, 1, 10_000_000)
            .describedAs("open streams per replica (503 `SERVER_FULL`)");
    public static final Setting<Integer> EVENT_LOG_MAX_LENGTH = Setting.integer(
                    "EVENT_LOG_MAX_LENGTH", 1000, 1, 10_000_000)
            .describedAs("events kept per client, and per topic, for replay");
    public static final Setting<Duration> EVENT_LOG_TTL = Setting.duration(
                    "EVENT_LOG_TTL", "1h", Duration.ofSeconds(1), Duration.ofDays(30))
            .describedAs("an idle client's or topic's event log expires after this (and a publish id's "
                    + "idempotency record)");
    public static final Setting<Long> MEMORY_STORE_MAX_BYTES = Setting.size(
                    "MEMORY_STORE_MAX_BYTES", null, 1, Long.MAX_VALUE)
            .computedDefault("a quarter of the heap (`-Xmx`)")
            .describedAs("event bytes the in-memory store keeps (without `REDIS_URL`), as estimated; past it the "
                    + "oldest events of all logs go first, so a replay reaches less far back (live delivery is "
                    + "unaffected) instead of the heap running out");
    public static final Setting<Integer> MAX_TOPICS_PER_STREAM = Setting.integer("MAX_TOPICS_PER_STREAM", 16, 1, 256)
            .describedAs("topics one `/sse` stream may follow (400 `TOO_MANY_TOPICS`)");
    public static final Setting<Long> MAX_RESPONSE_SIZE = Setting.size(
                    "MAX_RESPONSE_SIZE", "10MiB", 1, Integer.MAX_VALUE)
            .computedDefault("`10MiB`, or `MAX_RESPONSE_BYTES_IN_FLIGHT` if smaller")
            .describedAs("largest function answer read (larger: `EXECUTION_ERROR`); at most "
                    + "`MAX_RESPONSE_BYTES_IN_FLIGHT`");
    public static final Setting<Long> MAX_RESPONSE_BYTES_IN_FLIGHT = Setting.size(
                    "MAX_RESPONSE_BYTES_IN_FLIGHT", null, 1, Long.MAX_VALUE)
            .computedDefault("a quarter of the heap (`-Xmx`)")
            .describedAs("bytes of function answers one replica holds at once, `/invoke` and `/mcp` together; a "
                    + "call whose answer does not fit gets 503 `TOO_MANY_RESPONSE_BYTES` (a `-32000` JSON-RPC error "
                    + "under `/mcp`) instead of exhausting the heap");
    public static final Setting<Integer> MAX_INFLIGHT_INVOCATIONS = Setting.integer(
                    "MAX_INFLIGHT_INVOCATIONS", 1024, 1, 1_000_000)
            .describedAs("function calls in flight per replica, `/invoke` and `/mcp` (503 `TOO_MANY_INVOCATIONS`)");
    public static final Setting<Long> MAX_EVENT_SIZE = Setting.size("MAX_EVENT_SIZE", "1MiB", 1, Integer.MAX_VALUE)
            .describedAs("largest async result sent as one event; a larger one becomes an `EXECUTION_ERROR` event "
                    + "saying so (every stream of the client, and Redis, would hold a copy). A published event larger "
                    + "than this is 413 `EVENT_TOO_LARGE`");
    public static final Setting<Duration> ASYNC_DELIVERY_TIMEOUT = Setting.duration(
                    "ASYNC_DELIVERY_TIMEOUT", "60s", Duration.ofSeconds(1), Duration.ofHours(1))
            .describedAs("how long an accepted async call's result (and the events its answer publishes) is retried, "
                    + "with back-off, while the state store cannot take it; after that it is dropped with a warning "
                    + "in the log and `switchboard_redis_errors_total` counted. A call is accepted (202) only while "
                    + "the store is reachable, so this covers an outage that begins during the call");

    // ---- MCP ----

    public static final Setting<Duration> SESSION_TTL = Setting.duration(
                    "SESSION_TTL", "30m", Duration.ofSeconds(1), Duration.ofDays(7))
            .describedAs("an MCP session ends after this long without a request");
    public static final Setting<Integer> MAX_MCP_SESSIONS = Setting.integer("MAX_MCP_SESSIONS", 100_000, 1, 100_000_000)
            .describedAs("MCP sessions the fleet may hold; a new one beyond it gets 503");
    public static final Setting<Integer> MAX_MCP_SUBSCRIPTIONS = Setting.integer(
                    "MAX_MCP_SUBSCRIPTIONS", 100, 1, 100_000)
            .describedAs("resource URIs one MCP session may subscribe to (`resources/subscribe`), and one 2026-07-28 "
                    + "`subscriptions/listen` stream may name (`resourceSubscriptions`); JSON-RPC `-32602` beyond");
    public static final Setting<List<String>> MCP_ALLOWED_ORIGINS = Setting.list(
                    "MCP_ALLOWED_ORIGINS",
                    "http://localhost,https://localhost,http://127.0.0.1,https://127.0.0.1,http://[::1],https://[::1]")
            .computedDefault("localhost origins")
            .describedAs("browser origins allowed on `/mcp` (comma-separated, `*` for any; an entry without a port "
                    + "allows any port); they get CORS headers (the origin echoed, preflights answered), others get "
                    + "403 (DNS-rebinding protection). The default: `http` and `https` on `localhost`, `127.0.0.1` "
                    + "and `[::1]`");
    public static final Setting<Duration> MCP_INPUT_TIMEOUT = Setting.duration(
                    "MCP_INPUT_TIMEOUT", "5m", Duration.ofSeconds(1), Duration.ofHours(1))
            .describedAs("how long the gateway waits for a client's answers to one round of bridged input requests");
    public static final Setting<Duration> MCP_STREAM_LOG_TTL = Setting.duration(
                    "MCP_STREAM_LOG_TTL", "2m", Duration.ofSeconds(1), Duration.ofDays(30))
            .describedAs("how long an answered MCP POST stream's log is kept, for a client that lost the answer to "
                    + "resume it with `Last-Event-ID`; every answered call's log is held this long, so memory (or "
                    + "Redis) grows with the call rate times this (a call still running keeps its log as "
                    + "`EVENT_LOG_TTL` says)");
    public static final Setting<Duration> MCP_BACKEND_LEASE = Setting.duration(
                    "MCP_BACKEND_LEASE", "15s", Duration.ofMillis(300), Duration.ofMinutes(10))
            .describedAs("how long one replica's hold on a stateful MCP function's standalone stream lasts without "
                    + "renewal (renewed every third of it); another replica takes the stream over after it lapses "
                    + "(docs/API.md section 7, \"Stateful functions\")");

    /**
     * Read from the environment only, before the configuration itself (where the file is, how logs look, whether
     * tracing is on): a configuration file naming one of these is refused.
     */
    public static final List<Setting<?>> ENVIRONMENT_ONLY =
            List.of(CONFIG_FILE, LOG_FORMAT, OTEL_EXPORTER_OTLP_ENDPOINT);

    /** Every setting, in the order of README's table. */
    public static final List<Setting<?>> ALL = List.of(
            PORT,
            HOST,
            STREAM_PORT,
            STREAM_LOOPS,
            ADMIN_PORT,
            ADMIN_HOST,
            ADMIN_TOKEN,
            ADMIN_TOKEN_FILE,
            FUNCTION_ALLOWED_NETWORKS,
            FUNCTION_CONNECT_TIMEOUT,
            FUNCTION_CONNECTIONS_KEPT,
            FUNCTION_IDLE_TIMEOUT,
            CLIENT_AUTH,
            API_KEYS,
            API_KEYS_FILE,
            OAUTH_ISSUER,
            OAUTH_JWKS_URL,
            OAUTH_RESOURCE,
            OAUTH_AUDIENCE,
            OAUTH_REQUIRED_SCOPES,
            RATE_LIMIT_PER_IDENTITY,
            RATE_LIMIT_IDENTITY_BURST,
            MAX_STREAMS_PER_IDENTITY,
            RATE_LIMIT_PER_IP,
            RATE_LIMIT_BURST,
            TRUSTED_PROXIES,
            REQUEST_HEAD_TIMEOUT,
            KEEP_ALIVE_TIMEOUT,
            MAX_PENDING_HEADS_PER_IP,
            MAX_STREAMS_PER_IP,
            FD_RESERVE,
            SSE_CORS_ORIGINS,
            REDIS_URL,
            REDIS_ADDR,
            REDIS_PASSWORD,
            REDIS_DB,
            REDIS_TIMEOUT,
            HEARTBEAT_INTERVAL,
            REPLICA_ID,
            GATEWAY_NAMESPACE,
            LOG_FORMAT,
            OTEL_EXPORTER_OTLP_ENDPOINT,
            CONFIG_FILE,
            MONITOR_INTERVAL,
            MONITOR_MAX_FEEDS,
            SHUTDOWN_GRACE,
            MAX_BODY_SIZE,
            MAX_JSON_DEPTH,
            STREAM_QUEUE_DEPTH,
            MAX_CONNECTIONS_PER_CLIENT,
            MAX_CONNECTIONS,
            EVENT_LOG_MAX_LENGTH,
            EVENT_LOG_TTL,
            MEMORY_STORE_MAX_BYTES,
            MAX_TOPICS_PER_STREAM,
            MAX_RESPONSE_SIZE,
            MAX_RESPONSE_BYTES_IN_FLIGHT,
            MAX_INFLIGHT_INVOCATIONS,
            MAX_EVENT_SIZE,
            ASYNC_DELIVERY_TIMEOUT,
            SESSION_TTL,
            MAX_MCP_SESSIONS,
            MAX_MCP_SUBSCRIPTIONS,
            MCP_ALLOWED_ORIGINS,
            MCP_INPUT_TIMEOUT,
            MCP_STREAM_LOG_TTL,
            MCP_BACKEND_LEASE);

    /**
     * @param key a key
     * @return its setting
     */
    public static java.util.Optional<Setting<?>> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    // ---- checks of values that are text ----

    private static Setting<List<String>> cidrList(String key) {
        return Setting.list(key, null).parsedBy(Setting.Type.CIDR_LIST, (k, t) -> {
            List<String> blocks = Setting.entries(t, ",");
            blocks.forEach(block -> Cidr.parse(block, k)); // refuses a malformed block now, naming the key
            return blocks;
        });
    }

    private static String httpUrl(String key, String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute http or https URL");
            }
            return value;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
    }

    private static String resourceUrl(String key, String value) {
        URI uri = URI.create(httpUrl(key, value));
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a resource identifier has no query or fragment");
        }
        return value;
    }

    private static String redisUrl(String key, String value) {
        if (!value.matches("(?i)(redis|rediss|redis-sentinel|redis-socket|redis-cluster|rediss-cluster)://.+")) {
            throw new IllegalArgumentException("must start with redis://, rediss://, redis-sentinel://, "
                    + "redis-socket://, redis-cluster:// or rediss-cluster://");
        }
        RedisTarget.parse(value);
        return value;
    }

    private static String hostPort(String key, String value) {
        if (!value.matches("[^\\s/@]+:\\d{1,5}")) {
            throw new IllegalArgumentException("must be host:port");
        }
        return value;
    }
}
