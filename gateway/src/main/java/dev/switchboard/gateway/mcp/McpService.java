package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionSender;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ReplicaWork;
import dev.switchboard.gateway.state.StateStore;
import java.time.Clock;

/**
 * {@code /mcp/{name}}: the MCP endpoint of a function registered with {@code kind: mcp}. Session-based
 * clients (2025-03-26 to 2025-11-25) initialize a session the gateway keeps in the state store, so the
 * function itself may be stateless; 2026-07-28 requests, which carry their version on every request and need
 * no session, are relayed as they are. This class routes and wires: the Streamable HTTP transport
 * ({@link StreamableHttpTransport}), the HTTP+SSE one ({@link LegacySseTransport}), sessions
 * ({@link McpSessions}) and what a message means ({@link McpRequestHandler}).
 */
public final class McpService implements AutoCloseable {
    /** Where the MCP routes sit on a listener. */
    private static final String PATH = "/mcp";

    private final Mailboxes mailboxes;
    private final McpPush push;
    private final BackendStreamRelay backendStreams;
    private final McpSessions sessions;
    private final McpRequestHandler handler;
    private final StreamableHttpTransport streamable;
    private final LegacySseTransport legacy;
    private final McpStreamOpener streamOpener;
    private final ListenPresence listenPresence;
    private final OrphanedLegacySessions orphans;
    private final LostLegacyCalls lostLegacyCalls;
    private final McpEndpoint endpoint;

    /**
     * @param catalog registrations
     * @param state   state store (sessions, stream logs)
     * @param hub     this replica's streams (standalone GET streams)
     * @param ticker  heartbeat scheduling
     * @param limits  places for function calls in flight
     * @param metrics meters
     * @param config  configuration
     * @param clock   time source
     * @param engine  the function-call engine
     * @param identityStreams streams per identity
     * @param sessionBudget   sessions the fleet may hold
     * @param work            the gateway's periodic work (session and listen-stream renewals)
     */
    public McpService(
            FunctionCatalog catalog,
            StateStore state,
            StreamHub hub,
            HeartbeatTicker ticker,
            CallLimits limits,
            GatewayMetrics metrics,
            GatewayConfig config,
            Clock clock,
            FunctionSender engine,
            IdentityStreams identityStreams,
            SessionBudget sessionBudget,
            PeriodicWork work) {
        McpBackend backend = new McpBackend(config.limits().maxResponseSize(), limits.responseBytes(), engine);
        this.mailboxes = new Mailboxes(state.events());
        InputBridge bridge = new InputBridge(mailboxes, state.events(), config.mcpInputTimeout());
        BackendSessionRecovery recovery = new BackendSessionRecovery(
                backend,
                state.mcpSessions(),
                state.leases(),
                config.replicaId(),
                new BackendSessionRestore(backend, state.mcpPush()));
        McpRelay relay = new McpRelay(backend, bridge, metrics, config.heartbeatInterval(), recovery);
        this.backendStreams = new BackendStreamRelay(
                backend, state, catalog, recovery, config.replicaId(), config.mcpBackendLease(), clock);
        BackendSessionReaper reaper = new BackendSessionReaper(backend, state.mcpSessions(), catalog);
        this.push = new McpPush(state.mcpPush(), state.events(), config.namespace());
        SessionSubscriptions subscriptions =
                new SessionSubscriptions(state.mcpPush(), config.limits().maxMcpSubscriptions());
        SessionsInUse inUse = new SessionsInUse();
        HeldMcpStreams held = new HeldMcpStreams(hub, ticker, identityStreams, state, metrics, config, clock);
        PostStreamWriters writers = new PostStreamWriters();
        SessionStreams streams = new SessionStreams(hub, held, inUse, writers);
        this.sessions = new McpSessions(
                state,
                metrics,
                sessionBudget,
                new SessionInitializer(backend, clock),
                push,
                backend,
                relay,
                recovery,
                reaper,
                backendStreams,
                streams,
                inUse,
                clock,
                config.sessionTtl(),
                work);
        this.orphans = new OrphanedLegacySessions(
                state.replicaWork(ReplicaWork.LEGACY_SESSIONS), state.mcpSessions(), catalog, sessions, work);
        this.handler = new McpRequestHandler(
                relay,
                backend,
                bridge,
                recovery,
                backendStreams,
                reaper,
                subscriptions,
                limits,
                state.mcpSessions(),
                sessions,
                inUse);
        McpRequestReader reader = new McpRequestReader(
                catalog, config.limits().maxBodySize(), config.limits().maxJsonDepth());
        OriginGuard origins = new OriginGuard(config.allowedOrigins());
        this.listenPresence = new ListenPresence(state.mcpPush(), config.namespace(), work);
        ListenStreams listens = new ListenStreams(held, hub, listenPresence, state, config);
        catalog.onRemoved(listens::serverRemoved);
        this.streamable = new StreamableHttpTransport(
                reader,
                origins,
                sessions,
                handler,
                streams,
                writers,
                new PostStreamFollower(
                        state.events(),
                        config.limits().eventLogMaxLength(),
                        config.limits().mcpStreamLogTtl(),
                        metrics::mcpCallLost),
                backendStreams,
                state.events(),
                listens,
                config);
        this.legacy = new LegacySseTransport(
                reader,
                origins,
                sessions,
                handler,
                streams,
                backendStreams,
                state.events(),
                state.replicaWork(ReplicaWork.LEGACY_CALLS),
                config.limits().asyncDeliveryTimeout());
        this.lostLegacyCalls = new LostLegacyCalls(
                state.replicaWork(ReplicaWork.LEGACY_CALLS),
                state.mcpSessions(),
                state.events(),
                metrics,
                config.limits().asyncDeliveryTimeout(),
                work);
        this.streamOpener = new McpStreamOpener(streamable, legacy, config.allowedOrigins());
        this.endpoint = new McpEndpoint(streamable, legacy);
    }

    /** @return delivery of pushed notifications to this gateway's sessions ({@link McpNotifyService}) */
    public McpPush push() {
        return push;
    }

    /** @return the MCP routes, for the requests an event loop does not hold (POST, DELETE, resumes) */
    public McpEndpoint endpoint() {
        return endpoint;
    }

    /** @return standalone and HTTP+SSE streams for the event loops' loop ({@code STREAM_PORT}) */
    public McpStreamOpener streamOpener() {
        return streamOpener;
    }

    /** @return what a session's messages mean, apart from HTTP (for unit tests of the handler) */
    McpRequestHandler handler() {
        return handler;
    }

    /**
     * The fan-out's listener for what MCP waits on besides streams: a client's answers to the bridge.
     *
     * @param logKey the log an event was appended to
     * @param event  the event
     * @return whether something here waits for it
     */
    public boolean deliver(String logKey, ClientEvent event) {
        return mailboxes.deliver(logKey, event);
    }

    @Override
    public void close() {
        orphans.close();
        lostLegacyCalls.close();
        sessions.close();
        backendStreams.close();
        legacy.close();
        listenPresence.close();
    }
}
