package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.invoke.InvocationResult;
import dev.switchboard.gateway.net.ChangeSignal;
import dev.switchboard.gateway.sse.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The gateway's meters, scraped as Prometheus text at {@code /metrics}. */
public final class GatewayMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter connectionsOpened;
    private final Map<CloseReason, Counter> connectionsClosed = new EnumMap<>(CloseReason.class);
    private final Counter eventsSent;
    private final Counter heartbeats;
    private final Counter redisErrors;
    private final Counter fanoutReceived;
    private final Counter sessionSignals;
    private final Counter fanoutDelivered;
    private final Counter rateLimitedByAddress;
    private final Counter rateLimitedByIdentity;
    private final Map<String, Counter> authRefusals = new java.util.concurrent.ConcurrentHashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    /** What the monitoring page shows beside the meters: recent refusals and per-function call figures. */
    private final RecentProblems problems = new RecentProblems(java.time.Clock.systemUTC());

    private final FunctionStats functionStats = new FunctionStats();
    /** Told when an event is written or a call counted: what the monitoring sample reads besides the streams. */
    private final ChangeSignal changes = new ChangeSignal();
    /** Per function, its timers by {@link InvocationResult.Outcome} ordinal, filled as outcomes occur. */
    private final Map<String, java.util.concurrent.atomic.AtomicReferenceArray<Timer>> invocationTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<McpSeries, Timer> mcpTimers = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The suppliers of {@link #counter}: Micrometer holds a function counter's object weakly, and a method reference
     * nothing else holds would be collected, the counter then frozen at its last scraped value (measured: 0).
     */
    private final java.util.List<Supplier<Number>> counted = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One series of {@code switchboard.mcp.requests}: a key found without building a string per request. */
    private record McpSeries(String function, String method, String outcome) {}
    /** Request methods of the MCP revisions the gateway serves; other names are tagged {@code other}. */
    static final java.util.Set<String> MCP_METHODS = java.util.Set.of(
            "initialize",
            "ping",
            "tools/list",
            "tools/call",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "resources/subscribe",
            "resources/unsubscribe",
            "prompts/list",
            "prompts/get",
            "completion/complete",
            "logging/setLevel",
            "server/discover",
            "subscriptions/listen",
            "tasks/get",
            "tasks/result",
            "tasks/list",
            "tasks/cancel");

    /** Registers the meters and the JVM's, for a gateway of the default namespace. */
    public GatewayMetrics() {
        this("");
    }

    /**
     * Registers the meters and the JVM's.
     *
     * @param namespace the namespace whose functions this gateway serves: a named one tags every meter
     *                  {@code gateway_namespace}, so that a function is known by namespace and name across
     *                  gateways (not {@code namespace}, which Prometheus' Kubernetes discovery sets itself)
     */
    public GatewayMetrics(String namespace) {
        if (!namespace.isEmpty()) {
            registry.config().commonTags("gateway_namespace", namespace);
        }
        connectionsOpened = Counter.builder("switchboard.connections.opened")
                .description("SSE connections opened")
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            connectionsClosed.put(
                    reason,
                    Counter.builder("switchboard.connections.closed")
                            .description("SSE connections closed, by reason")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
        eventsSent = Counter.builder("switchboard.events.sent")
                .description("events written to SSE streams (heartbeats excluded)")
                .register(registry);
        heartbeats = Counter.builder("switchboard.heartbeats.sent")
                .description("heartbeats written to SSE streams")
                .register(registry);
        redisErrors = Counter.builder("switchboard.redis.errors")
                .description("Redis commands that failed")
                .register(registry);
        sessionSignals = Counter.builder("switchboard.session.signals.received")
                .description("MCP session signals (cancellations, ends) received by this replica: only those about "
                        + "sessions it read or stored")
                .register(registry);
        fanoutReceived = Counter.builder("switchboard.fanout.received")
                .description("log appends announced to this replica (routed fan-out)")
                .register(registry);
        fanoutDelivered = Counter.builder("switchboard.fanout.delivered")
                .description("announced appends that a stream or a wait on this replica followed")
                .register(registry);
        rateLimitedByAddress = Counter.builder("switchboard.requests.rate.limited")
                .description("public requests refused by a rate limit, by what was limited")
                .tag("by", "address")
                .register(registry);
        rateLimitedByIdentity = Counter.builder("switchboard.requests.rate.limited")
                .description("public requests refused by a rate limit, by what was limited")
                .tag("by", "identity")
                .register(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * @param name  gauge name
     * @param help  description
     * @param value read at scrape time
     */
    public void gauge(String name, String help, Supplier<Number> value) {
        Gauge.builder(name, value).description(help).register(registry);
    }

    /**
     * @param name     gauge name
     * @param help     description
     * @param tagKey   a tag
     * @param tagValue its value
     * @param value    read at scrape time
     */
    public void gauge(String name, String help, String tagKey, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).description(help).tag(tagKey, tagValue).register(registry);
    }

    /**
     * @param name  a counter kept elsewhere, read at scrape time
     * @param help  description
     * @param value the count so far
     */
    public void counter(String name, String help, Supplier<Number> value) {
        counted.add(value);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        name, value, v -> v.get().doubleValue())
                .description(help)
                .register(registry);
    }

    /** A connection opened. */
    public void connectionOpened() {
        connectionsOpened.increment();
    }

    /** @param reason why a connection closed */
    public void connectionClosed(CloseReason reason) {
        connectionsClosed.get(reason).increment();
    }

    /**
     * @param events    events written
     * @param heartbeat whether a heartbeat was written
     */
    public void written(int events, boolean heartbeat) {
        if (events > 0) {
            eventsSent.increment(events);
            changes.changed();
        }
        if (heartbeat) {
            heartbeats.increment();
        }
    }

    /**
     * Counts an append announced to this replica.
     *
     * @param followed whether a stream or a wait here followed its log (else the announcement was wasted)
     */
    public void fanout(boolean followed) {
        fanoutReceived.increment();
        if (followed) {
            fanoutDelivered.increment();
        }
    }

    /** An MCP session signal reached this replica. */
    public void sessionSignal() {
        sessionSignals.increment();
    }

    /** A Redis command failed. */
    public void redisError() {
        redisErrors.increment();
    }

    /**
     * A request was refused by a rate limit.
     *
     * @param byIdentity whether the per-identity limit refused it (else the per-address one)
     */
    public void rateLimited(boolean byIdentity) {
        (byIdentity ? rateLimitedByIdentity : rateLimitedByAddress).increment();
        problems.record("RATE_LIMITED", 429, byIdentity ? "rate limit per identity" : "rate limit per address");
    }

    /**
     * A request was refused by client authentication, or by a limit on what one identity may hold.
     *
     * @param code the error code it got ({@code UNAUTHORIZED}, {@code INVALID_CREDENTIALS}, ...)
     */
    public void authRefused(String code) {
        authRefusals
                .computeIfAbsent(
                        code,
                        c -> Counter.builder("switchboard.auth.refused")
                                .description("public requests refused by client authentication, by error code")
                                .tag("code", c)
                                .register(registry))
                .increment();
        problems.record(code, 0, "client authentication and limits");
    }

    /**
     * An error answer that did not pass through the counters above (the error handler, the admin guard).
     *
     * @param code   its error code
     * @param status its HTTP status
     * @param where  the request path (its query is never kept)
     */
    public void errorAnswered(String code, int status, String where) {
        problems.record(code, status, where);
    }

    /** @return the last refusals and error answers */
    public RecentProblems problems() {
        return problems;
    }

    /** @return per-function call totals (the monitoring page's calls/s, latency and error rate) */
    public FunctionStats functionStats() {
        return functionStats;
    }

    /** @return told when events are written or calls counted (the monitoring sample sleeps while neither is) */
    public ChangeSignal changes() {
        return changes;
    }

    /** @return SSE connections opened since start */
    public long connectionsOpenedTotal() {
        return (long) connectionsOpened.count();
    }

    /** @return events written to SSE streams since start */
    public long eventsSentTotal() {
        return (long) eventsSent.count();
    }

    /**
     * @param result a finished invocation
     */
    public void invocation(InvocationResult result) {
        // one Timer per series, found without a builder or a key built per call: this runs on every call
        java.util.concurrent.atomic.AtomicReferenceArray<Timer> byOutcome = invocationTimers.computeIfAbsent(
                result.functionName(),
                f -> new java.util.concurrent.atomic.AtomicReferenceArray<>(InvocationResult.Outcome.values().length));
        int outcome = result.outcome().ordinal();
        Timer timer = byOutcome.get(outcome);
        if (timer == null) {
            // registering is idempotent: a race registers the same meter twice and keeps one
            timer = Timer.builder("switchboard.invocation.duration")
                    .description("function invocations, by function and outcome")
                    .tag("function", result.functionName())
                    .tag("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT))
                    .publishPercentileHistogram()
                    .register(registry);
            byOutcome.set(outcome, timer);
        }
        timer.record(result.durationMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        functionStats.record(result.functionName(), result.durationMillis(), !result.success());
        changes.changed();
    }

    /**
     * @param function the MCP function
     * @param method   the JSON-RPC method
     * @param outcome  how it ended ({@code ok}, {@code error}, {@code timeout}, {@code cancelled}, {@code client_gone},
     *                 {@code session_lost}: a stateful function lost the session for good)
     * @param duration time to the response
     */
    public void mcpRequest(String function, String method, String outcome, java.time.Duration duration) {
        // the method comes from the client: anything outside MCP's own set is one series, not one per name
        String tag = MCP_METHODS.contains(method) ? method : "other";
        mcpTimers
                .computeIfAbsent(
                        new McpSeries(function, tag, outcome),
                        k -> Timer.builder("switchboard.mcp.requests")
                                .description("MCP requests relayed to functions, by function, method and outcome")
                                .tag("function", k.function())
                                .tag("method", k.method())
                                .tag("outcome", k.outcome())
                                .publishPercentileHistogram()
                                .register(registry))
                .record(duration);
        // a client that left or cancelled is no failure of the function
        functionStats.record(function, duration.toMillis(), "error".equals(outcome) || "timeout".equals(outcome));
        changes.changed();
    }

    /** @param function an MCP function that needed one more round of client input */
    public void mcpInputRound(String function) {
        Counter.builder("switchboard.mcp.input.rounds")
                .description("rounds of client input bridged for input_required results")
                .tag("function", function)
                .register(registry)
                .increment();
    }

    /** An async call lost with the replica that accepted it, answered here with {@code CALL_LOST}. */
    public void invocationLost() {
        Counter.builder("switchboard.invocations.lost")
                .description("async calls lost with the replica that accepted them, answered here with CALL_LOST")
                .register(registry)
                .increment();
    }

    /**
     * A call lost with the replica that ran it, answered with an error here: by a resume of its stream (Streamable
     * HTTP), or by the sweep of a replica gone (an HTTP+SSE request).
     */
    public void mcpCallLost() {
        Counter.builder("switchboard.mcp.calls.lost")
                .description("MCP calls lost with the replica running them, answered with an error here")
                .register(registry)
                .increment();
    }

    /** @param opened true when a session opened on this replica, false when one ended here */
    public void mcpSession(boolean opened) {
        Counter.builder(opened ? "switchboard.mcp.sessions.opened" : "switchboard.mcp.sessions.ended")
                .description(opened ? "MCP sessions initialized on this replica" : "MCP sessions ended on this replica")
                .register(registry)
                .increment();
    }

    /** @return the Prometheus text exposition */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
