package dev.switchboard.gateway;

import dev.switchboard.gateway.admission.AcceptGuard;
import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.admission.AddressRateLimit;
import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.api.AdminFunctionsService;
import dev.switchboard.gateway.api.AdminSessionsService;
import dev.switchboard.gateway.api.AdminStatusService;
import dev.switchboard.gateway.api.AdminTopicsService;
import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.api.Invocations;
import dev.switchboard.gateway.api.LostAsyncCalls;
import dev.switchboard.gateway.api.Publications;
import dev.switchboard.gateway.api.PublishGrants;
import dev.switchboard.gateway.api.PublishService;
import dev.switchboard.gateway.auth.AdminAuth;
import dev.switchboard.gateway.auth.AdminTokens;
import dev.switchboard.gateway.auth.ClientAuthenticator;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.auth.ProtectedResourceMetadata;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.TransportErrors;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.invoke.FunctionHealth;
import dev.switchboard.gateway.invoke.FunctionInvoker;
import dev.switchboard.gateway.invoke.ResponseBudget;
import dev.switchboard.gateway.mcp.McpNotifications;
import dev.switchboard.gateway.mcp.McpNotifyService;
import dev.switchboard.gateway.mcp.McpService;
import dev.switchboard.gateway.mcp.SessionBudget;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.monitor.FleetView;
import dev.switchboard.gateway.monitor.MonitorSampling;
import dev.switchboard.gateway.monitor.MonitorService;
import dev.switchboard.gateway.monitor.ReplicaFigures;
import dev.switchboard.gateway.net.ClientAddresses;
import dev.switchboard.gateway.net.DescriptorBudget;
import dev.switchboard.gateway.net.ListenerChecks;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.net.RateLimiter;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.MemoryStateStore;
import dev.switchboard.gateway.state.RedisStateStore;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.gateway.stream.StreamLoops;
import dev.switchboard.gateway.trace.GatewayTracing;
import dev.switchboard.gateway.trace.TracedRedisCommands;
import dev.switchboard.gateway.trace.TracingFilter;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.RedisConnections;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One gateway replica: builds the parts, binds the public listener (event loops, {@link StreamLoops}; a second port
 * of the same kind with {@code STREAM_PORT}) and the admin listener (Helidon), and stops in order (streams closed
 * with a reconnect hint, then listeners, then state).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(Gateway.class.getName());
    /** Small write buffer: the monitoring feed's events are flushed one by one. */
    private static final int WRITE_BUFFER_SIZE = 512;
    /**
     * Blocking sockets: Helidon's NIO socket keeps an 8 KiB read and an 8 KiB write buffer per connection,
     * the plain socket only the read buffer. On virtual threads blocking I/O costs no platform thread.
     */
    private static final boolean USE_NIO = false;

    private static final Duration DIRECTORY_REFRESH = Duration.ofSeconds(10);
    /**
     * How long the calls stopped at the end of {@code SHUTDOWN_GRACE} get to answer their clients (each writes an
     * answer, or logs one in Redis) before the listeners close: their own work is done, so this is rarely used.
     */
    private static final Duration CUT_SHORT_ANSWERS = Duration.ofSeconds(2);

    private final GatewayConfig config;
    /** Spans of invokes, MCP requests, publications, fan-out and Redis commands; off unless OTEL_* says so. */
    private final GatewayTracing tracing;

    private final StateStore state;
    private final GatewayMetrics metrics;
    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    private final FunctionCatalog catalog;
    private final FunctionHealth health;
    private final FunctionInvoker invoker;
    private final FunctionEngine engine;
    private final Invocations invocations;
    /** Places of the function calls in flight ({@code /invoke} and MCP): a stopping replica waits for them. */
    private final CallLimits callLimits;

    private final Publications publications;
    private final McpService mcpService;
    private final McpNotifications mcpNotifications;
    /** The periodic work of every part, on one thread and one clock (see PeriodicWork for why). */
    private final PeriodicWork housekeeping;
    /** Answers the async calls of replicas that died before their result (with Redis). */
    private final LostAsyncCalls lostAsyncCalls;
    /** Head deadlines of the Helidon listeners: a thread of its own, never held up by Redis. */
    private final ScheduledExecutorService acceptGuards;

    private final WebServer server;
    private final StreamLoops publicListener;
    /** The connection cap and threads of the public listener's ports. */
    private final StreamLoops.Shared publicShared;

    private final java.util.Optional<StreamLoops> streamListener;
    private volatile boolean draining;
    private final SessionBudget sessionBudget;
    private final ReplicaFigures figures;
    private final MonitorService monitor;
    /** This replica's entries in the connection directory, refreshed on the housekeeping clock. */
    private final DirectoryRefresh directoryRefresh;

    private Gateway(GatewayConfig config, Clock clock, GatewayTracing tracing) {
        this.config = config;
        this.tracing = tracing;
        this.state = openState(config, clock, tracing);
        this.metrics = new GatewayMetrics(config.namespace());
        this.hub = new StreamHub(
                config.limits().maxConnectionsPerClient(), config.limits().maxConnections(), state.events());
        this.ticker = new HeartbeatTicker(hub, config.heartbeatInterval());
        // this gateway's tenant: the registrations of its namespace only
        FunctionStore functions = state.functions().inNamespace(config.namespace());
        this.housekeeping = new PeriodicWork("switchboard-housekeeping");
        this.catalog = new FunctionCatalog(functions, housekeeping);
        EgressPolicy egress = EgressPolicy.allowing(config.allowedFunctionNetworks());
        // one engine for every call to a function: /invoke, the MCP relay and health probes
        this.engine = new FunctionEngine(
                egress,
                config.functionConnections().connectTimeout(),
                config.functionConnections().keptPerEndpoint(),
                config.functionConnections().idleTimeout());
        this.health = new FunctionHealth(catalog, engine);
        this.invoker = new FunctionInvoker(config.limits().maxResponseSize(), engine);
        CallLimits limits = new CallLimits(
                config.limits().maxInflightInvocations(),
                new ResponseBudget(config.limits().maxResponseBytesInFlight()));
        this.callLimits = limits;
        metrics.gauge(
                "switchboard.invocations.inflight", "function calls in flight (invoke and MCP)", limits::inflight);
        metrics.gauge(
                "switchboard.invocations.response.bytes",
                "bytes of function answers held (invoke and MCP)",
                limits.responseBytes()::used);
        PublishGrants publishGrants = new PublishGrants(config.auth());
        this.invocations = new Invocations(
                catalog,
                health,
                invoker,
                state.events(),
                state.replicaWork(ReplicaWork.ASYNC_CALLS),
                metrics,
                limits,
                config.limits().maxBodySize(),
                config.limits().maxEventSize(),
                config.limits().maxJsonDepth(),
                config.limits().asyncDeliveryTimeout(),
                tracing,
                publishGrants);
        this.lostAsyncCalls = new LostAsyncCalls(
                state.replicaWork(ReplicaWork.ASYNC_CALLS),
                state.events(),
                metrics,
                invocations.deliveryTokenLife(),
                housekeeping);
        this.publications = new Publications(
                state.events(),
                config.limits().maxBodySize(),
                config.limits().maxJsonDepth(),
                config.limits().maxEventSize(),
                publishGrants);
        metrics.gauge("switchboard.connections.open", "SSE connections open on this replica", hub::count);
        metrics.gauge("switchboard.functions.registered", "registered functions", catalog::size);
        metrics.gauge(
                "switchboard.topics.subscribed",
                "topics that streams on this replica follow",
                state.connections()::localTopicCount);

        catalog.start();
        metrics.gauge(
                "switchboard.fanout.subscriptions",
                "logs this replica follows, one announcement channel each",
                state.events()::followedLogs);
        this.sessionBudget = new SessionBudget(config.limits().maxMcpSessions());
        this.directoryRefresh = new DirectoryRefresh(hub, state.connections(), metrics);
        housekeeping.every(DIRECTORY_REFRESH, "connection directory refresh", directoryRefresh);
        // counted in the background: a scan of the store is no work for a scrape
        housekeeping.nowAndEvery(DIRECTORY_REFRESH, "MCP session count", this::countSessions);
        metrics.gauge(
                "switchboard.mcp.sessions.open",
                "MCP sessions open in the fleet (counted every 10 s)",
                sessionBudget::open);
        this.figures = new ReplicaFigures(
                new ReplicaFigures.Parts(
                        config.replicaId(),
                        hub,
                        catalog,
                        health,
                        metrics,
                        state,
                        sessionBudget::open,
                        directoryRefresh::refreshed,
                        () -> draining),
                clock,
                config.monitor().interval());
        this.monitor = new MonitorService(
                new FleetView(state.snapshots(), figures, config.replicaId(), clock),
                config.monitor().maxFeeds());
        new MonitorSampling(
                        housekeeping,
                        figures,
                        this::publishFigures,
                        !state.snapshots().shared(),
                        java.util.List.of(hub.changes(), metrics.changes()))
                .start();

        ClientAuthenticator authenticator = ClientAuthenticator.of(config.auth());
        IdentityStreams identityStreams = new IdentityStreams(config.auth().maxStreamsPerIdentity());
        ClientAddresses clientAddresses =
                ClientAddresses.trusting(config.rateLimit().trustedProxies());
        AddressLimits addressLimits = new AddressLimits(
                config.listeners().maxPendingHeadsPerIp(),
                config.listeners().maxStreamsPerIp(),
                clientAddresses,
                metrics);
        ClientStreamService streams =
                new ClientStreamService(state, hub, ticker, metrics, config, clock, identityStreams, addressLimits);
        this.mcpService = new McpService(
                catalog,
                state,
                hub,
                ticker,
                limits,
                metrics,
                config,
                clock,
                engine,
                identityStreams,
                sessionBudget,
                housekeeping);
        this.mcpNotifications = new McpNotifications(
                catalog,
                mcpService.push(),
                config.limits().maxBodySize(),
                config.limits().maxJsonDepth(),
                config.limits().maxEventSize(),
                publishGrants);
        new AnnouncedEvents(
                        state.events(),
                        hub,
                        mcpService,
                        metrics,
                        tracing,
                        config.replicaId(),
                        config.limits().eventLogMaxLength())
                .start();
        java.util.Optional<ProtectedResourceMetadata> resourceMetadata =
                authenticator.jwt().map(jwt -> new ProtectedResourceMetadata(jwt.settings()));
        AdminFunctionsService adminFunctions = new AdminFunctionsService(
                functions, catalog, health, config.limits().maxBodySize(), clock, egress, config.auth());
        ListenerChecks listenerChecks = new ListenerChecks();
        AdminStatusService adminStatus = new AdminStatusService(
                state, hub, catalog, metrics, config.replicaId(), () -> draining, listenerChecks, clock);
        // one budget per address and per identity, whichever listener a request arrives on
        java.util.Optional<AddressRateLimit> perAddress = java.util.Optional.of(config.rateLimit())
                .filter(GatewayConfig.RateLimit::enabled)
                .map(limit -> new AddressRateLimit(
                        new RateLimiter(limit.perIpPerSecond(), limit.burst(), System::nanoTime),
                        clientAddresses,
                        limit.perIpPerSecond() + "/s (burst " + limit.burst() + ")"));
        // the one admission pipeline, shared by the public listener's ports
        Admission admission = new Admission(perAddress, config.auth(), authenticator, catalog, metrics);
        // every listener's connections stay below the descriptor limit (see DescriptorBudget for why)
        DescriptorBudget budget = DescriptorBudget.ofThisProcess(
                config.listeners().fdReserve(), config.limits().maxInflightInvocations());
        java.time.Duration headTimeout = config.listeners().requestHeadTimeout();
        this.acceptGuards = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-accept-guard");
            t.setDaemon(true);
            return t;
        });
        SocketOptions socketOptions = SocketOptions.builder().tcpNoDelay(true).build();
        AcceptGuard adminGuard = new AcceptGuard(
                socketOptions, headTimeout, DescriptorBudget.pendingShare(budget.admin()), addressLimits, acceptGuards);
        StreamLoops.Routes routes = new StreamLoops.Routes(
                invocations,
                CorsPolicy.forInvoke(config.sseCorsOrigins()),
                publications,
                mcpNotifications,
                resourceMetadata);
        // every public route on event loops: PORT, and STREAM_PORT when set (the same listener on a second port, for
        // deployments that give clients that one), the two sharing one connection cap and one set of threads
        this.publicShared =
                StreamLoops.Shared.of(budget.capped() ? budget.publicListener() : Integer.MAX_VALUE, addressLimits);
        java.util.function.BiFunction<String, Integer, StreamLoops> bind = (setting, port) -> {
            try {
                return StreamLoops.start(
                        config.host(),
                        port,
                        config.listeners().streamLoops(),
                        publicShared,
                        streams,
                        mcpService.streamOpener(),
                        mcpService.endpoint(),
                        routes,
                        admission,
                        new StreamLoops.Settings(headTimeout, config.listeners().keepAliveTimeout(), addressLimits),
                        new TracingFilter(tracing));
            } catch (java.io.IOException e) {
                throw ListenerUnavailableException.of(setting, config.host(), port, e);
            }
        };
        StreamLoops onPort = null;
        try {
            onPort = bind.apply("PORT", config.port());
            this.streamListener = config.streamPort().map(port -> bind.apply("STREAM_PORT", port));
        } catch (ListenerUnavailableException e) {
            if (onPort != null) {
                onPort.close();
            }
            publicShared.close();
            // nothing is listening yet: what runs beside the listeners stops too, or it would outlive the failure
            monitor.close();
            stopBackground();
            throw e;
        }
        this.publicListener = onPort;
        this.server = WebServer.builder()
                .host(config.adminHost())
                .port(config.adminPort())
                .writeBufferSize(WRITE_BUFFER_SIZE)
                .useNio(USE_NIO)
                .connectionOptions(adminGuard)
                .maxTcpConnections(budget.capped() ? budget.admin() : -1)
                // a larger body is refused unread and the connection closed: read on, it would be taken for requests
                .maxPayloadSize(config.limits().maxBodySize())
                .shutdownHook(false)
                .update(listener ->
                        TransportErrors.install(listener, config.limits().maxBodySize()))
                .routing(r -> {
                    r.addFilter(adminGuard.filter());
                    r.addFilter(new TracingFilter(tracing));
                    adminRouting(r, adminFunctions, adminStatus);
                })
                .build();
        // the admin listener answers these checks: were it gone, the probe itself would fail
        listenerChecks.add("public", ListenerChecks.accepting(publicListener::isAccepting));
        streamListener.ifPresent(l -> listenerChecks.add("stream", ListenerChecks.accepting(l::isAccepting)));
        // for alerts: a listener that died while the admin listener still answers scrapes
        for (String listener : streamListener.isPresent() ? List.of("public", "stream") : List.of("public")) {
            metrics.gauge(
                    "switchboard.listener.up",
                    "1 while the listener accepts connections, 0 once it is gone",
                    "listener",
                    listener,
                    () -> listenerChecks.states().get(listener) == ListenerChecks.State.DOWN ? 0 : 1);
        }
        // the event loops' figures over both ports (named when only STREAM_PORT had event loops)
        metrics.gauge(
                "switchboard.stream.listener.idle.connections",
                "kept-alive connections of the public listener waiting for their next request",
                publicShared::idleConnections);
        metrics.gauge(
                "switchboard.stream.listener.platform.threads",
                "connections of the public listener served on platform threads now (at most one per core)",
                publicShared::onPlatformThreads);
        metrics.counter(
                "switchboard.stream.listener.idle.shed",
                "idle kept-alive connections the public listener closed to accept new ones at its cap",
                publicShared::idleShed);
        metrics.gauge(
                "switchboard.state.store.up",
                "1 while the state store answers (checked at each scrape)",
                () -> state.health().up() ? 1 : 0);
        HeapBound heap = HeapBound.ofThisJvm();
        LOGGER.log(heap.level(), heap::describe);
        if (budget.capped()) {
            LOGGER.info(() -> "connection caps from the descriptor limit "
                    + budget.limit().getAsLong() + " (reserve "
                    + budget.reserve() + "): public " + budget.publicListener() + " (over its ports), admin "
                    + budget.admin());
        }
    }

    private void adminRouting(HttpRouting.Builder r, AdminFunctionsService functions, AdminStatusService status) {
        var guard = AdminAuth.filter(
                AdminTokens.of(config.adminTokens(), config.adminTokenFile()),
                path -> metrics.errorAnswered("UNAUTHORIZED", 401, path));
        // the monitoring page's files hold no data: they load without a token, its feed needs one
        r.register(monitor.pages())
                .any("/admin", guard)
                .any("/admin/*", guard)
                .any("/publish/*", guard)
                .register("/publish/mcp", new McpNotifyService(mcpNotifications))
                .register("/publish", new PublishService(publications))
                .register("/admin/functions", functions)
                .register("/admin/sessions", new AdminSessionsService(state, config.replicaId()))
                .register("/admin/topics", new AdminTopicsService(state.connections(), config.replicaId()))
                .register(status)
                .register(monitor);
        ErrorHandling.install(r, metrics::redisError, metrics::errorAnswered);
    }

    /** Helidon's server, which logs a listener that cannot bind (with its stack trace) before it gives up. */
    private static final java.util.logging.Logger HELIDON_SERVER =
            java.util.logging.Logger.getLogger("io.helidon.webserver.LoomServer");

    /**
     * Starts the admin listener without Helidon's own report of a failed bind (a stack trace, then "failed to start"):
     * the caller reports it in one line naming the setting ({@link ListenerUnavailableException}), as for the public
     * ports. What Helidon logs while it starts is held, and logged after unless a bind failed.
     */
    private static void startAdminListener(WebServer server) {
        java.util.logging.Filter before = HELIDON_SERVER.getFilter();
        List<java.util.logging.LogRecord> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        HELIDON_SERVER.setFilter(record -> {
            held.add(record);
            return false;
        });
        try {
            server.start();
        } finally {
            HELIDON_SERVER.setFilter(before);
            synchronized (held) {
                if (held.stream().noneMatch(record -> causedByBind(record.getThrown()))) {
                    held.forEach(HELIDON_SERVER::log);
                }
            }
        }
    }

    private static boolean causedByBind(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Builds and starts a gateway.
     *
     * @param config configuration
     * @return the running gateway
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, GatewayTracing.off());
    }

    /**
     * Builds and starts a gateway that traces as {@code tracing} says.
     *
     * @param config  configuration
     * @param tracing the gateway's tracing ({@link GatewayTracing#fromEnvironment}); closed with the gateway
     * @return the running gateway
     * @throws ListenerUnavailableException when a listener cannot bind its address (the gateway is closed)
     */
    public static Gateway start(GatewayConfig config, GatewayTracing tracing) {
        Gateway gateway = new Gateway(config, Clock.systemUTC(), tracing);
        startAdminListener(gateway.server);
        // Helidon logs a listener that fails to bind, but does not throw (the public ports threw when bound)
        if (!gateway.server.isRunning()) {
            gateway.close();
            Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
            listeners.put("ADMIN_PORT", new InetSocketAddress(config.adminHost(), config.adminPort()));
            throw ListenerUnavailableException.probing(listeners);
        }
        LOGGER.info(() -> "Switchboard gateway " + config.replicaId() + " listening on http://" + config.host() + ":"
                + gateway.port() + " (SSE, invoke, MCP, publish; " + gateway.publicListener.loopCount()
                + (gateway.publicListener.loopCount() == 1 ? " event loop" : " event loops") + ") and http://"
                + config.adminHost() + ":" + gateway.adminPort()
                + " (admin, health, metrics)"
                + gateway.streamListener
                        .map(l -> "; its second port http://" + config.host() + ":" + l.port())
                        .orElse(""));
        return gateway;
    }

    private static StateStore openState(GatewayConfig config, Clock clock, GatewayTracing tracing) {
        if (config.redisUrl().isEmpty()) {
            LOGGER.warning("REDIS_URL is not set: state is kept in memory. This is one replica on its own: nothing"
                    + " is shared with other replicas and nothing survives a restart.");
            return new MemoryStateStore(
                    clock,
                    config.limits().eventLogMaxLength(),
                    config.limits().eventLogTtl(),
                    config.sessionTtl(),
                    config.limits().memoryStoreMaxBytes());
        }
        RedisConnections redis = RedisConnections.connect(config.redisUrl().get(), config.redisTimeout());
        redis.decorateCommands(commands -> TracedRedisCommands.wrap(commands, tracing));
        LOGGER.info(() -> "state store: " + redis.displayUrl());
        return new RedisStateStore(
                redis,
                clock,
                config.replicaId(),
                config.limits().eventLogMaxLength(),
                config.limits().eventLogTtl(),
                config.sessionTtl());
    }

    /** This replica's monitoring snapshot, for whichever replica serves the page. */
    private void publishFigures() {
        try {
            figures.sample();
            // the JSON is written only for a store other replicas read, or when a page asks (latest())
            if (state.snapshots().shared()) {
                state.snapshots().put(config.replicaId(), figures.latest());
            }
        } catch (RuntimeException e) {
            metrics.redisError();
            LOGGER.log(Level.FINE, "monitoring snapshot not written", e);
        }
    }

    private void countSessions() {
        try {
            sessionBudget.counted(state.mcpSessions().count());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
    }

    /** @return the public port */
    public int port() {
        return publicListener.port();
    }

    /** @return the public listener's second port ({@code STREAM_PORT}), when set */
    public java.util.OptionalInt streamPort() {
        return streamListener.map(l -> java.util.OptionalInt.of(l.port())).orElse(java.util.OptionalInt.empty());
    }

    /** @return the public listener's loops on {@code STREAM_PORT}, when set (tests stop them to see health tell) */
    java.util.Optional<StreamLoops> streamListener() {
        return streamListener;
    }

    /** @return the admin port */
    public int adminPort() {
        return server.port();
    }

    /** @return the configuration */
    public GatewayConfig config() {
        return config;
    }

    /** @return the state store (tests publish through it directly) */
    StateStore state() {
        return state;
    }

    /** @return this replica's streams */
    public StreamHub hub() {
        return hub;
    }

    /**
     * Stops: readiness false, streams closed with a reconnect hint, then up to {@code SHUTDOWN_GRACE} for the streams
     * to end and the calls in flight to finish (a sync call's answer written, an async one's result delivered, an
     * MCP call's response relayed); the listeners serve meanwhile, as a balancer may still send requests here.
     */
    @Override
    public void close() {
        stop();
    }

    /**
     * What a stop took, and what it cut short.
     *
     * @param took          from the stop's start until everything was closed
     * @param callsCutShort calls still in flight when {@code SHUTDOWN_GRACE} ran out (0: every one finished)
     */
    public record Stopped(java.time.Duration took, int callsCutShort) {}

    /**
     * As {@link #close()}, telling what the stop took: a process's shutdown hook reports it itself, as the logging
     * framework's own hook may have closed the log's handlers by then.
     *
     * @return what the stop took and cut short
     */
    public Stopped stop() {
        long start = System.nanoTime();
        draining = true;
        monitor.close();
        hub.closeAll(CloseReason.SHUTDOWN);
        LOGGER.info(() -> "Switchboard gateway " + config.replicaId() + " stopping: streams closed with a reconnect "
                + "hint; up to SHUTDOWN_GRACE (" + config.shutdownGrace() + ") for " + unfinishedCalls()
                + " calls in flight to finish");
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        awaitUntil(() -> hub.count() == 0, deadline);
        awaitUntil(() -> unfinishedCalls() == 0, deadline);
        int cutShort = unfinishedCalls();
        if (cutShort > 0) {
            LOGGER.warning(() -> cutShort + " calls still in flight after SHUTDOWN_GRACE (" + config.shutdownGrace()
                    + ") are cut short: each is answered \"" + FunctionEngine.STOPPING + "\"");
            // their clients are told (a sync call's 502, an async result, an MCP error response, logged for a
            // resume on another replica) rather than cut off without an answer when the listeners close
            engine.stopCalls();
            awaitUntil(() -> unfinishedCalls() == 0, System.nanoTime() + CUT_SHORT_ANSWERS.toNanos());
        }
        server.stop();
        publicListener.close();
        streamListener.ifPresent(StreamLoops::close);
        publicShared.close();
        stopBackground();
        LOGGER.info(() -> "Switchboard gateway " + config.replicaId() + " stopped");
        return new Stopped(java.time.Duration.ofNanos(System.nanoTime() - start), cutShort);
    }

    /** Looks every 20 ms until {@code done}, the deadline ({@link System#nanoTime()}) or an interrupt. */
    private static void awaitUntil(java.util.function.BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return function calls (and async results) this replica has not finished */
    private int unfinishedCalls() {
        return Math.max(callLimits.inflight(), invocations.work().count());
    }

    /**
     * Stops what runs beside the listeners (timers, the function engine, the state store, tracing): the end of
     * {@link #close()}, and of a constructor whose listener could not bind.
     */
    private void stopBackground() {
        housekeeping.close();
        lostAsyncCalls.close();
        try {
            state.snapshots().remove(config.replicaId());
        } catch (RuntimeException e) {
            // it ages out of the page on its own
        }
        acceptGuards.shutdownNow();
        ticker.close();
        health.close();
        catalog.close();
        invocations.close();
        mcpService.close();
        invoker.close();
        engine.close();
        state.close();
        metrics.close();
        tracing.close();
    }
}
