package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.admission.AdmissionFilters;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.invoke.CallLimits;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionEngine;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseResponses;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.gateway.state.SessionSignal;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.registry.FunctionKind;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.JsonRefusal;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /mcp/{name}}: the MCP Streamable HTTP endpoint of a function registered with {@code kind: mcp}.
 * Session-based clients (2025-03-26 to 2025-11-25) initialize a session the gateway keeps in the state
 * store, so the function itself may be stateless; 2026-07-28 requests, which carry their version on every
 * request and need no session, are relayed as they are.
 */
public final class McpService implements HttpService, AutoCloseable {
    /** An MCP stream's heartbeat: the same comment for every stream, encoded once (written, never modified). */
    private static final byte[] KEEP_ALIVE = SseEncoder.comment("keep-alive");

    private static final Logger LOGGER = Logger.getLogger(McpService.class.getName());
    static final HeaderName SESSION_ID = HeaderNames.create("Mcp-Session-Id");
    static final HeaderName PROTOCOL_VERSION = HeaderNames.create("MCP-Protocol-Version");
    private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    private static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    private static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    private static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    private static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    /** The revision of the HTTP+SSE transport. */
    static final String LEGACY_SSE_VERSION = "2024-11-05";
    /** Stream id of an HTTP+SSE session's one stream. */
    static final String LEGACY_STREAM = "l";
    /** Stream id of the standalone GET stream. */
    static final String STANDALONE = "g";
    /** Reconnection delay suggested when the gateway ends a stream. */
    private static final long RETRY_MILLIS = PostStreamFollower.RETRY_MILLIS;

    private final FunctionCatalog catalog;
    private final StateStore state;
    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    private final GatewayConfig config;
    private final Clock clock;
    private final OriginGuard origins;
    private final McpBackend backend;
    private final McpRelay relay;
    private final Mailboxes mailboxes;
    private final CallLimits limits;
    private final GatewayMetrics metrics;
    private final InputBridge bridge;
    private final IdentityStreams identityStreams;
    private final SessionBudget sessionBudget;
    private final PostStreamFollower follower;
    private final McpPush push;
    private final SessionSubscriptions subscriptions;
    private final BackendSessionRecovery recovery;
    private final BackendStreamRelay backendStreams;
    private final BackendSessionReaper reaper;
    private final ListenStreams listens;
    /** Resumed POST streams this replica holds, by session, to end them with it. */
    private final Map<String, Set<SseStream>> resumedStreams = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Sessions in use on this replica without requests: their standalone, HTTP+SSE or resumed streams and
     * their running calls (a session may appear once for each).
     */
    private final java.util.Collection<String> heldSessions = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.concurrent.ScheduledExecutorService renewer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "switchboard-mcp-session-renewal");
                t.setDaemon(true);
                return t;
            });
    /** HTTP+SSE requests run after their POST is answered (202). */
    private final java.util.concurrent.ExecutorService background =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

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
            FunctionEngine engine,
            IdentityStreams identityStreams,
            SessionBudget sessionBudget) {
        this.identityStreams = identityStreams;
        this.sessionBudget = sessionBudget;
        this.limits = limits;
        this.metrics = metrics;
        this.catalog = catalog;
        this.state = state;
        this.hub = hub;
        this.ticker = ticker;
        this.config = config;
        this.clock = clock;
        this.origins = new OriginGuard(config.allowedOrigins());
        this.backend = new McpBackend(config.limits().maxResponseSize(), limits.responseBytes(), engine);
        this.mailboxes = new Mailboxes(state.events());
        this.follower = new PostStreamFollower(state.events(), config.limits().eventLogMaxLength());
        this.bridge = new InputBridge(mailboxes, state.events(), config.mcpInputTimeout());
        this.recovery = new BackendSessionRecovery(backend, state.mcpSessions(), state.leases(), config.replicaId());
        this.relay = new McpRelay(backend, bridge, metrics, config.heartbeatInterval(), recovery);
        this.backendStreams =
                new BackendStreamRelay(backend, state, catalog, recovery, config.replicaId(), config.mcpBackendLease());
        // the replica relaying the function's stream may be another one: tell the fleet as well
        recovery.onRecovered(session -> {
            backendStreams.reopen(session);
            signal(SessionSignal.recovered(session.id()));
        });
        this.reaper = new BackendSessionReaper(backend, state.mcpSessions(), catalog);
        this.push = new McpPush(state.mcpPush(), state.events(), config.namespace());
        this.subscriptions =
                new SessionSubscriptions(state.mcpPush(), config.limits().maxMcpSubscriptions());
        this.listens = new ListenStreams(hub, ticker, state, identityStreams, metrics, config, clock);
        state.signals().subscribe(this::onSignal);
        // a session whose stream is open here is in use even when no request comes: renew it
        long renewMillis = Math.max(1000, config.sessionTtl().toMillis() / 3);
        renewer.scheduleWithFixedDelay(
                this::renewHeldSessions, renewMillis, renewMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{name}/sse", guarded(this::legacyStream))
                .post("/{name}/messages", guarded(this::legacyMessage))
                .post("/{name}", guarded(this::post))
                .get("/{name}", guarded(this::get))
                .delete("/{name}", guarded(this::delete))
                .any("/{name}", guarded((req, res) -> {
                    res.header(HeaderNames.ALLOW, "GET, POST, DELETE");
                    throw new McpException(
                            Status.METHOD_NOT_ALLOWED_405,
                            JsonRpc.GATEWAY_ERROR,
                            req.prologue().method().text() + " is not allowed here");
                }));
    }

    /**
     * Every refusal on this endpoint is a JSON-RPC error body with the right HTTP status. It answers the
     * request the body carried, by its id, once the body was read; before that (or for a notification, a
     * response or a batch) it has no id, never {@code id: null}.
     */
    private static Handler guarded(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (McpException e) {
                if (!res.isSent()) {
                    Json.send(res, e.status(), JsonRpc.error(requestId(req), e.code(), e.getMessage()));
                }
            } catch (ApiException e) {
                if (!res.isSent()) {
                    Json.send(res, e.status(), JsonRpc.error(requestId(req), JsonRpc.GATEWAY_ERROR, e.getMessage()));
                }
            } catch (StoreUnavailableException e) {
                LOGGER.log(Level.WARNING, "state store unavailable: {0}", e.getMessage());
                if (!res.isSent()) {
                    Json.send(
                            res,
                            Status.SERVICE_UNAVAILABLE_503,
                            JsonRpc.error(
                                    requestId(req),
                                    JsonRpc.GATEWAY_ERROR,
                                    "the state store (Redis) is unavailable; retry later"));
                }
            }
        };
    }

    /** The id of the request a POST's body carries, kept in the request's context for its refusals. */
    private record BodyRequestId(JsonNode id) {}

    private static JsonNode requestId(ServerRequest req) {
        return req.context().get(BodyRequestId.class).map(BodyRequestId::id).orElse(null);
    }

    private FunctionRegistration function(ServerRequest req) {
        String name = req.path().pathParameters().get("name");
        return catalog.find(name)
                .filter(fn -> fn.kind() == FunctionKind.MCP)
                .orElseThrow(() -> new McpException(
                        Status.NOT_FOUND_404, JsonRpc.GATEWAY_ERROR, "no MCP server is registered as '" + name + "'"));
    }

    // ---- POST ----

    @SuppressWarnings("try") // the permit is held for the call's duration, not used
    private void post(ServerRequest req, ServerResponse res) throws IOException {
        FunctionRegistration function = function(req);
        origins.check(req);
        ClientAccept accept = ClientAccept.of(req);
        JsonNode message = readMessage(req);
        Optional<String> sessionId = req.headers().first(SESSION_ID);
        McpSpans.describe(message, sessionId.orElse(null));
        if (sessionId.isPresent()) {
            McpSession session = session(req, sessionId.get(), function);
            checkVersionHeader(req);
            inSession(req, res, function, session, message, accept);
        } else if (isModern(req, message) && ListenStreams.isListen(message)) {
            listens.listen(req, res, function, message, accept); // held here: a stateless function cannot
        } else if (isModern(req, message)) {
            try (CallLimits.Permit permit = limits.acquire(function)) {
                Map<String, String> headers = modernHeaders(req);
                headers.putAll(AdmissionFilters.identity(req).functionHeaders());
                relay.relay(
                        function,
                        message,
                        headers,
                        null,
                        McpVersions.MODERN,
                        new ResponseSink(res, accept, state.events(), null, McpVersions.MODERN));
            }
        } else if (message.isObject() && JsonRpc.isRequest(message) && "initialize".equals(JsonRpc.method(message))) {
            initialize(res, function, message, accept, AdmissionFilters.identity(req));
        } else {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.GATEWAY_ERROR,
                    "Mcp-Session-Id header is required; send initialize first");
        }
    }

    private JsonNode readMessage(ServerRequest req) {
        byte[] body = Json.readBody(req, config.limits().maxBodySize());
        try {
            JsonNode message = JsonMapper.forRequestBodies(config.limits().maxJsonDepth())
                    .readTree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
            if (message == null || !(message.isObject() || message.isArray())) {
                throw new McpException(
                        Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "a message is a JSON-RPC object");
            }
            if (JsonRpc.isRequest(message)) {
                req.context().register(new BodyRequestId(message.get("id")));
            }
            return message;
        } catch (JsonProcessingException e) {
            String reason = switch (JsonRefusal.of(e)) {
                case TOO_DEEP -> "nested deeper than " + config.limits().maxJsonDepth() + " levels (MAX_JSON_DEPTH)";
                case NUMBER_TOO_LONG -> "a number longer than " + JsonMapper.MAX_NUMBER_LENGTH + " characters";
                case STRING_TOO_LONG -> "a key or string longer than the parser's bound";
                case DUPLICATE_KEY -> "the key '" + JsonRefusal.duplicateKey(e) + "' twice in one object";
                case INVALID -> "invalid JSON";
            };
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.PARSE_ERROR, "parse error: " + reason);
        }
    }

    /**
     * The session a request names. Another identity's session is answered as one that does not exist,
     * so a leaked session id is of no use without its owner's credentials.
     */
    private McpSession session(ServerRequest req, String id, FunctionRegistration function) {
        McpSession session = state.mcpSessions()
                .find(id)
                .orElseThrow(() -> new McpException(
                        Status.NOT_FOUND_404,
                        JsonRpc.GATEWAY_ERROR,
                        "session not found (ended or expired); initialize again"));
        if (!session.owner().sameAs(AdmissionFilters.identity(req))) {
            metrics.authRefused("SESSION_OF_ANOTHER_IDENTITY");
            throw new McpException(
                    Status.NOT_FOUND_404,
                    JsonRpc.GATEWAY_ERROR,
                    "session not found (ended or expired); initialize again");
        }
        if (!session.function().equals(function.name())) {
            throw new McpException(Status.NOT_FOUND_404, JsonRpc.GATEWAY_ERROR, "session not found for this server");
        }
        return session;
    }

    private static void checkVersionHeader(ServerRequest req) {
        req.headers().first(PROTOCOL_VERSION).ifPresent(v -> {
            if (!McpVersions.SESSION_BASED.contains(v)) {
                throw new McpException(
                        Status.BAD_REQUEST_400,
                        JsonRpc.GATEWAY_ERROR,
                        "unsupported MCP-Protocol-Version " + v + " for a session; supported: "
                                + String.join(", ", McpVersions.SESSION_BASED));
            }
        });
    }

    /** A 2026-07-28 request: its version header or its {@code _meta} names the stateless revision. */
    private static boolean isModern(ServerRequest req, JsonNode message) {
        Optional<String> header = req.headers().first(PROTOCOL_VERSION);
        boolean metaVersion = message.path("params").path("_meta").has(META_PROTOCOL_VERSION);
        return metaVersion
                || header.filter(v -> !McpVersions.SESSION_BASED.contains(v)).isPresent();
    }

    private static Map<String, String> modernHeaders(ServerRequest req) {
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(h -> {
            String name = h.name();
            String lower = name.toLowerCase();
            if (lower.equals("mcp-protocol-version")
                    || lower.equals("mcp-method")
                    || lower.equals("mcp-name")
                    || lower.startsWith("mcp-param-")) {
                headers.put(name, h.get());
            }
        });
        return headers;
    }

    private void initialize(
            ServerResponse res,
            FunctionRegistration function,
            JsonNode message,
            ClientAccept accept,
            Identity identity) {
        openSessionOrRefuse();
        Initialized initialized = initializeWithFunction(function, message, McpIds.sessionId(), identity);
        if (initialized.session() != null) {
            state.mcpSessions().save(initialized.session());
            push.joined(initialized.session());
            metrics.mcpSession(true);
            reaper.remember(initialized.session());
            res.header(SESSION_ID, initialized.session().id());
            io.opentelemetry.api.trace.Span.current()
                    .setAttribute("mcp.session.id", initialized.session().id());
        }
        sendOne(res, initialized.response(), accept);
    }

    private void openSessionOrRefuse() {
        if (!sessionBudget.tryOpen()) {
            throw new McpException(
                    Status.SERVICE_UNAVAILABLE_503,
                    JsonRpc.GATEWAY_ERROR,
                    "the gateway holds its " + "maximum of " + sessionBudget.max()
                            + " MCP sessions (MAX_MCP_SESSIONS); retry later");
        }
    }

    /** The answer to a client's initialize, and the session it opens (null when the function refused). */
    private record Initialized(JsonNode response, McpSession session) {}

    /**
     * Forwards {@code initialize} to the function (a stateful one answers with its own session id) and
     * answers with the function's result at the negotiated version. A function that speaks only
     * 2026-07-28 has no {@code initialize}: its {@code server/discover} answer stands in for it.
     */
    private Initialized initializeWithFunction(
            FunctionRegistration function, JsonNode message, String sessionId, Identity identity) {
        JsonNode params = message.path("params");
        String version = McpVersions.negotiate(params.path("protocolVersion").asText(""));
        JsonNode id = message.get("id");
        JsonNode response;
        String backendSessionId;
        try (BackendCall call = backend.post(function, message, identity.functionHeaders(), function.timeout())) {
            response = awaitResponse(call, id, function);
            backendSessionId = call.sessionId();
        }
        String backendVersion = response.path("result").path("protocolVersion").asText(version);
        ObjectNode result;
        if (response.path("result").isObject()) {
            result = ((ObjectNode) response.get("result")).deepCopy();
        } else {
            result = discover(function, params, identity);
            if (result == null) {
                return new Initialized(response, null);
            }
            backendVersion = McpVersions.MODERN;
            backendSessionId = null;
        }
        result.put("protocolVersion", version);
        McpSession session = new McpSession(
                sessionId,
                function.name(),
                version,
                params.path("clientInfo"),
                params.path("capabilities"),
                backendSessionId,
                backendVersion,
                null,
                clock.instant(),
                identity);
        return new Initialized(JsonRpc.result(id, result), session);
    }

    /**
     * Asks a 2026-07-28 function what it offers and turns that into an initialize result.
     *
     * @return the result, or null when the function does not answer {@code server/discover} either
     */
    private ObjectNode discover(FunctionRegistration function, JsonNode initializeParams, Identity identity) {
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", "sb-discover");
        request.put("method", "server/discover");
        ObjectNode meta = request.putObject("params").putObject("_meta");
        meta.put(META_PROTOCOL_VERSION, McpVersions.MODERN);
        meta.set(
                META_CLIENT_CAPABILITIES,
                initializeParams.path("capabilities").isObject()
                        ? initializeParams.get("capabilities")
                        : Json.object());
        if (initializeParams.path("clientInfo").isObject()) {
            meta.set(META_CLIENT_INFO, initializeParams.get("clientInfo"));
        }
        JsonNode answer;
        Map<String, String> headers = BackendHeaders.modern("server/discover", null);
        headers.putAll(identity.functionHeaders());
        try (BackendCall call = backend.post(function, request, headers, function.timeout())) {
            answer = awaitResponse(call, request.get("id"), function);
        }
        JsonNode discovered = answer.path("result");
        if (!discovered.path("capabilities").isObject()) {
            return null;
        }
        ObjectNode result = Json.object();
        ObjectNode capabilities = ((ObjectNode) discovered.get("capabilities")).deepCopy();
        // the gateway serves logging/setLevel for the session and passes the level on every request
        if (!capabilities.has("logging")) {
            capabilities.putObject("logging");
        }
        result.set("capabilities", capabilities);
        JsonNode serverInfo = discovered.path("_meta").path(META_SERVER_INFO);
        result.set(
                "serverInfo",
                serverInfo.isObject()
                        ? serverInfo
                        : Json.object().put("name", function.name()).put("version", "unknown"));
        if (discovered.hasNonNull("instructions")) {
            result.set("instructions", discovered.get("instructions"));
        }
        return result;
    }

    /** Waits for the function's response to one request; failures become a JSON-RPC error response. */
    private static JsonNode awaitResponse(BackendCall call, JsonNode id, FunctionRegistration function) {
        long deadline = System.nanoTime() + function.timeout().toNanos();
        try {
            while (true) {
                BackendCall.Item item = call.next(deadline);
                if (item == null) {
                    return JsonRpc.error(id, JsonRpc.TIMEOUT, "function did not answer in time");
                } else if (item instanceof BackendCall.Failure f) {
                    return JsonRpc.error(id, f.code(), f.reason());
                } else if (item instanceof BackendCall.End || item instanceof BackendCall.Cancelled) {
                    return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "function gave no response");
                } else if (JsonRpc.isResponse(((BackendCall.Message) item).json())) {
                    return ((BackendCall.Message) item).json();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new McpException(Status.SERVICE_UNAVAILABLE_503, JsonRpc.GATEWAY_ERROR, "gateway stopping");
        }
    }

    private void inSession(
            ServerRequest req,
            ServerResponse res,
            FunctionRegistration function,
            McpSession session,
            JsonNode message,
            ClientAccept accept)
            throws IOException {
        if (message.isArray()) {
            batch(res, function, session, message);
            return;
        }
        if (!JsonRpc.isRequest(message)) {
            acceptNonRequest(function, session, message);
            accepted(res);
            return;
        }
        handleRequest(
                function,
                session,
                message,
                new ResponseSink(res, accept, state.events(), session.id(), session.protocolVersion()));
    }

    /** A notification or a response from the client: nothing to answer. */
    private void acceptNonRequest(FunctionRegistration function, McpSession session, JsonNode message) {
        if (InputBridge.isBridgedAnswer(message)) {
            bridge.deliver(session.id(), message);
            return;
        }
        if (BackendStreamRelay.isRelayedAnswer(message)) {
            // the answer to a request from the function's standalone stream: back with the function's id
            forwardToStatefulBackend(function, session, BackendStreamRelay.withBackendId(message));
            return;
        }
        if (!JsonRpc.isNotification(message) && !JsonRpc.isResponse(message)) {
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "not a JSON-RPC message");
        }
        if ("notifications/cancelled".equals(JsonRpc.method(message))) {
            cancel(session.id(), message.path("params").get("requestId"));
        }
        // a stateful function keeps its own session: it gets the client's notifications and answers
        forwardToStatefulBackend(function, session, message);
    }

    /**
     * Answers one request of a session, on whatever sink its transport uses.
     *
     * @throws ApiException when a call limit refuses it (the caller turns that into its transport's error)
     */
    private void handleRequest(FunctionRegistration function, McpSession session, JsonNode message, McpRelay.Sink sink)
            throws IOException {
        JsonNode id = message.get("id");
        String method = JsonRpc.method(message);
        boolean modernFunction = McpVersions.MODERN.equals(session.backendVersion());
        switch (method) {
            case "ping" -> sink.send(JsonRpc.result(id, Json.object()), true);
            case "initialize" ->
                sink.send(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "session already initialized"), true);
            case "logging/setLevel" -> {
                String level = message.path("params").path("level").asText("");
                if (!McpLogLevels.isLevel(level)) {
                    sink.send(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "unknown level '" + level + "'"), true);
                    return;
                }
                // kept in the session: a stateless function learns it on each request (params._meta)
                state.mcpSessions().save(session.withLogLevel(level));
                if (session.backendSessionId() == null) {
                    sink.send(JsonRpc.result(id, Json.object()), true);
                    return;
                }
                // a stateful function filters its own messages: it gets the request and gives the answer
                relayToFunction(function, session.withLogLevel(level), message, sink);
            }
            default -> {
                McpRelay.Sink relayed = sink;
                if (SessionSubscriptions.handles(method)) {
                    // kept here for pushes; a 2026-07-28 function has no such methods, so they are answered here
                    relayed = subscriptions.intercept(session, message, sink, modernFunction);
                    if (relayed == null) {
                        return;
                    }
                }
                relayToFunction(function, session, message, relayed);
            }
        }
    }

    @SuppressWarnings("try") // the permit is held for the call's duration, not used
    private void relayToFunction(
            FunctionRegistration function, McpSession session, JsonNode message, McpRelay.Sink sink)
            throws IOException {
        reaper.remember(session);
        backendStreams.awaitOpen(session);
        try (CallLimits.Permit permit = limits.acquire(function)) {
            // a running call uses its session, whether or not its client is still connected: renewed
            // like an open stream, so that the client can still resume it
            heldSessions.add(session.id());
            relay.relay(
                    function,
                    withSessionMeta(message, session),
                    BackendHeaders.forMessage(session, message),
                    session,
                    session.protocolVersion(),
                    sink);
        } catch (BackendSessionRecovery.Lost lost) {
            // the function lost its session and would not take it again: the client must initialize anew
            endSession(function, session.id(), null);
            if (!sink.committed()) {
                throw new McpException(
                        Status.NOT_FOUND_404,
                        JsonRpc.GATEWAY_ERROR,
                        "the MCP server lost this session; initialize again");
            }
            sink.send(
                    JsonRpc.error(
                            message.get("id"),
                            JsonRpc.GATEWAY_ERROR,
                            "the MCP server lost this session; initialize again"),
                    true);
        } finally {
            heldSessions.remove(session.id());
        }
    }

    /**
     * A JSON-RPC batch: 2025-03-26 sessions only (removed in 2025-06-18). Requests are answered in one JSON
     * array, in order; their notifications are not relayed, and input requests cannot be bridged inside a
     * batch.
     */
    private void batch(ServerResponse res, FunctionRegistration function, McpSession session, JsonNode batch)
            throws IOException {
        if (!"2025-03-26".equals(session.protocolVersion())) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "batches exist only in protocol version 2025-03-26");
        }
        if (batch.isEmpty()) {
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "empty batch");
        }
        com.fasterxml.jackson.databind.node.ArrayNode responses = Json.MAPPER.createArrayNode();
        for (JsonNode message : batch) {
            if (!message.isObject()) {
                responses.add(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "a batch holds JSON-RPC objects"));
            } else if (!JsonRpc.isRequest(message)) {
                acceptNonRequest(function, session, message);
            } else if ("initialize".equals(JsonRpc.method(message))) {
                responses.add(JsonRpc.error(
                        message.get("id"), JsonRpc.INVALID_REQUEST, "initialize must not be part of a batch"));
            } else {
                CollectingSink sink = new CollectingSink(message.get("id"));
                try {
                    handleRequest(function, session, message, sink);
                } catch (ApiException e) {
                    sink.send(JsonRpc.error(message.get("id"), JsonRpc.GATEWAY_ERROR, e.getMessage()), true);
                }
                sink.response().ifPresent(responses::add);
            }
        }
        if (responses.isEmpty()) {
            accepted(res);
        } else {
            Json.send(res, Status.OK_200, responses);
        }
    }

    /**
     * What the session holds for a stateless function, passed as 2026-07-28 passes it on every request:
     * the client's capabilities (so the function asks only for input the client can give) and the logging
     * level.
     */
    private static JsonNode withSessionMeta(JsonNode message, McpSession session) {
        boolean capabilities = session.clientCapabilities() != null
                && session.clientCapabilities().isObject();
        boolean modern = McpVersions.MODERN.equals(session.backendVersion());
        if (session.logLevel() == null && !capabilities && !modern) {
            return message;
        }
        ObjectNode copy = message.deepCopy();
        JsonNode params = copy.get("params");
        ObjectNode paramsObject = params != null && params.isObject() ? (ObjectNode) params : copy.putObject("params");
        JsonNode meta = paramsObject.get("_meta");
        ObjectNode metaObject = meta != null && meta.isObject() ? (ObjectNode) meta : paramsObject.putObject("_meta");
        if (session.logLevel() != null) {
            metaObject.put(META_LOG_LEVEL, session.logLevel());
        }
        if (!metaObject.has(META_CLIENT_CAPABILITIES)) {
            metaObject.set(META_CLIENT_CAPABILITIES, capabilities ? session.clientCapabilities() : Json.object());
        }
        if (modern) {
            // a 2026-07-28 function reads the revision and the client's identity from every request
            metaObject.put(META_PROTOCOL_VERSION, McpVersions.MODERN);
            if (session.clientInfo() != null && session.clientInfo().isObject()) {
                metaObject.set(META_CLIENT_INFO, session.clientInfo());
            }
        }
        return copy;
    }

    /** Passes a client's notification or answer to a stateful function; a lost function session is re-initialized. */
    private void forwardToStatefulBackend(FunctionRegistration function, McpSession session, JsonNode message) {
        if (session.backendSessionId() == null) {
            return;
        }
        if (!forwardOnce(function, session, message)) {
            recovery.recover(function, session, session.backendSessionId())
                    .ifPresent(recovered -> forwardOnce(function, recovered, message));
        }
    }

    /** @return false when the function no longer knows the session */
    private boolean forwardOnce(FunctionRegistration function, McpSession session, JsonNode message) {
        try (BackendCall call =
                backend.post(function, message, BackendHeaders.forMessage(session, message), function.timeout())) {
            BackendCall.Item item =
                    call.next(System.nanoTime() + function.timeout().toNanos());
            return !BackendSessionRecovery.isLost(
                    call.status(), item instanceof BackendCall.Message m ? m.json() : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void accepted(ServerResponse res) {
        res.status(Status.ACCEPTED_202);
        res.send();
    }

    /** One message as the client prefers: JSON, or a one-event SSE stream for a client that takes only SSE. */
    private static void sendOne(ServerResponse res, JsonNode message, ClientAccept accept) {
        if (accept.json()) {
            Json.send(res, Status.OK_200, message);
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        res.header(HeaderValues.CACHE_NO_CACHE);
        res.send(SseEncoder.event(null, null, Json.write(message)));
    }

    // ---- GET: the standalone stream, or a resumed one ----

    private void get(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = function(req);
        origins.check(req);
        String sessionId = req.headers()
                .first(SESSION_ID)
                .orElseThrow(() -> new McpException(
                        Status.METHOD_NOT_ALLOWED_405,
                        JsonRpc.GATEWAY_ERROR,
                        "GET needs an Mcp-Session-Id (2026-07-28 clients use POST only)"));
        McpSession session = session(req, sessionId, function);
        checkVersionHeader(req);
        Optional<String> lastEventId = req.headers().first(LAST_EVENT_ID).filter(v -> !v.isBlank());
        if (lastEventId.isEmpty()) {
            listen(res, session, EventIds.ZERO, false);
            return;
        }
        // ids of a POST stream are <streamId>/<logId>; ids of the standalone stream are plain log ids
        String id = lastEventId.get();
        int slash = id.indexOf('/');
        String streamId = slash < 0 ? STANDALONE : id.substring(0, slash);
        String after = id.substring(slash + 1);
        if (streamId.isEmpty() || !EventIds.isValid(after)) {
            throw new McpException(
                    Status.BAD_REQUEST_400, JsonRpc.GATEWAY_ERROR, "Last-Event-ID is not an event id of this gateway");
        }
        if (streamId.equals(STANDALONE)) {
            listen(res, session, after, true);
        } else {
            resume(res, session, function, streamId, after);
        }
    }

    /**
     * Resumes a POST stream: replays its events after the given one, then follows it live until its
     * response (or cancellation), which ends it. The call may be running on any replica.
     */
    private void resume(
            ServerResponse res, McpSession session, FunctionRegistration function, String streamId, String after) {
        SseStream held = hold(
                session.id(),
                session.owner(),
                "resumed",
                McpIds.logKey(session.id(), streamId),
                () -> new McpException(
                        Status.TOO_MANY_REQUESTS_429,
                        JsonRpc.GATEWAY_ERROR,
                        "this stream is already resumed too many times at once"));
        // a running call logs at least once per round: its timeout, or a wait for the client's input
        Duration idleLimit = (function.timeout().compareTo(config.mcpInputTimeout()) > 0
                        ? function.timeout()
                        : config.mcpInputTimeout())
                .plus(config.heartbeatInterval());
        resumedStreams.compute(session.id(), (id, set) -> {
            Set<SseStream> streams = set != null ? set : java.util.concurrent.ConcurrentHashMap.newKeySet();
            streams.add(held);
            return streams;
        });
        try (OutputStream out = SseResponses.start(res)) {
            follower.follow(out, held, streamId, after, idleLimit);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "resumed stream ended early", e);
        } finally {
            resumedStreams.computeIfPresent(session.id(), (id, set) -> {
                set.remove(held);
                return set.isEmpty() ? null : set;
            });
            release(held, session.id(), session.owner(), CloseReason.CLIENT_GONE);
        }
    }

    /**
     * The standalone stream for server-initiated messages: comments as heartbeats until the client leaves.
     * Resumed, it first replays what the client missed.
     */
    private void listen(ServerResponse res, McpSession session, String after, boolean resumed) {
        String logKey = McpIds.logKey(session.id(), STANDALONE);
        SseStream stream = hold(
                session.id(),
                session.owner(),
                "standalone",
                logKey,
                () -> new McpException(
                        Status.TOO_MANY_REQUESTS_429,
                        JsonRpc.GATEWAY_ERROR,
                        "this session already holds its standalone streams"));
        CloseReason reason = CloseReason.CLIENT_GONE;
        backendStreams.watch(session, logKey);
        try {
            List<ClientEvent> missed = resumed
                    ? state.events().readAfter(logKey, after, config.limits().eventLogMaxLength())
                    : List.of();
            OutputStream out = SseResponses.start(res);
            if (resumed) {
                stream.startAfter(after);
                for (ClientEvent e : missed) {
                    stream.writeDirect(out, e);
                }
            } else if (McpVersions.primesStreams(session.protocolVersion())) {
                stream.writeDirect(out, new ClientEvent(EventIds.ZERO, null, ""));
            } else {
                out.write(SseEncoder.comment("stream open"));
            }
            out.flush();
            reason = stream.pump(out, (events, heartbeat) -> {});
            if (reason == CloseReason.SHUTDOWN) {
                out.write(SseEncoder.retry(RETRY_MILLIS));
            }
            out.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "standalone stream ended", e);
        } finally {
            backendStreams.unwatch(session.id());
            release(stream, session.id(), session.owner(), reason);
        }
    }

    /**
     * Admits a stream this replica holds for a session: heartbeats as comments, and the session renewed
     * while it is open.
     */
    private SseStream hold(
            String sessionId,
            Identity owner,
            String kind,
            String logKey,
            java.util.function.Supplier<McpException> refusal) {
        if (!identityStreams.acquire(owner)) {
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new McpException(
                    Status.TOO_MANY_REQUESTS_429,
                    JsonRpc.GATEWAY_ERROR,
                    "this identity already holds " + identityStreams.max()
                            + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        SseStream stream = new SseStream(
                RandomIds.next(),
                logKey,
                null,
                Map.of("mcp_session", sessionId, "mcp_stream", kind),
                clock.instant(),
                config.replicaId(),
                config.limits().streamQueueDepth(),
                s -> KEEP_ALIVE);
        ticker.schedule(stream);
        StreamHub.Admission admission;
        try {
            admission = hub.admit(stream);
        } catch (RuntimeException e) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw e;
        }
        if (admission != StreamHub.Admission.ADMITTED) {
            stream.close(CloseReason.CLIENT_GONE);
            identityStreams.release(owner);
            throw refusal.get();
        }
        heldSessions.add(sessionId);
        try {
            // the fleet view (/admin/connections, /admin/sessions) shows which replica holds it
            state.connections().register(stream.info());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
        return stream;
    }

    private void release(SseStream stream, String sessionId, Identity owner, CloseReason reason) {
        identityStreams.release(owner);
        heldSessions.remove(sessionId);
        stream.close(reason);
        hub.remove(stream);
        try {
            state.connections().unregister(stream.connectionId());
        } catch (RuntimeException e) {
            metrics.redisError();
        }
    }

    // ---- HTTP+SSE (2024-11-05) ----

    /**
     * {@code GET /mcp/{name}/sse}: opens a session whose messages all travel on this stream; the
     * {@code endpoint} event names where the client posts. The session ends with the connection.
     */
    private void legacyStream(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = function(req);
        origins.check(req);
        openSessionOrRefuse();
        McpSession session = new McpSession(
                McpIds.sessionId(),
                function.name(),
                LEGACY_SSE_VERSION,
                null,
                null,
                null,
                null,
                null,
                clock.instant(),
                AdmissionFilters.identity(req));
        SseStream stream = hold(
                session.id(),
                session.owner(),
                "http+sse",
                McpIds.logKey(session.id(), LEGACY_STREAM),
                () -> new McpException(
                        Status.SERVICE_UNAVAILABLE_503,
                        JsonRpc.GATEWAY_ERROR,
                        "this replica holds its maximum of connections (MAX_CONNECTIONS)"));
        CloseReason reason = CloseReason.CLIENT_GONE;
        backendStreams.watch(session, McpIds.logKey(session.id(), LEGACY_STREAM));
        try {
            state.mcpSessions().save(session);
            push.joined(session);
            metrics.mcpSession(true);
            OutputStream out = SseResponses.start(res);
            out.write(SseEncoder.event(
                    null, "endpoint", "/mcp/" + function.name() + "/messages?sessionId=" + session.id()));
            out.flush();
            reason = stream.pump(out, (events, heartbeat) -> {});
            out.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "HTTP+SSE stream ended", e);
        } finally {
            backendStreams.unwatch(session.id());
            release(stream, session.id(), session.owner(), reason);
            endLegacySession(function, session.id());
        }
    }

    private void endLegacySession(FunctionRegistration function, String sessionId) {
        relay.cancelAll(sessionId);
        // its requests may have been posted to, and be running on, other replicas
        signal(SessionSignal.ended(sessionId));
        try {
            Optional<McpSession> ended = state.mcpSessions().find(sessionId);
            state.mcpSessions().delete(sessionId);
            metrics.mcpSession(false);
            reaper.forget(sessionId);
            ended.map(McpSession::backendSessionId).ifPresent(id -> backend.endSession(function, id));
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "could not end HTTP+SSE session; it expires with its idle TTL", e);
        }
    }

    /**
     * {@code POST /mcp/{name}/messages?sessionId=...}: accepted at once (202); answers travel on the session's
     * SSE stream, which may be held by another replica.
     */
    private void legacyMessage(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = function(req);
        origins.check(req);
        String sessionId = req.query()
                .first("sessionId")
                .orElseThrow(() -> new McpException(
                        Status.BAD_REQUEST_400, JsonRpc.GATEWAY_ERROR, "sessionId query parameter is required"));
        McpSession session = session(req, sessionId, function);
        JsonNode message = readMessage(req);
        McpSpans.describe(message, session.id());
        if (message.isArray()) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.INVALID_REQUEST,
                    "batches are not part of the HTTP+SSE transport here");
        }
        // answered in the background: the request's trace goes along to the function call
        java.util.concurrent.Executor background =
                io.opentelemetry.context.Context.current().wrap(this.background);
        LogSink sink = new LogSink(state.events(), McpIds.logKey(session.id(), LEGACY_STREAM));
        if (InputBridge.isBridgedAnswer(message)) {
            bridge.deliver(session.id(), message);
        } else if (BackendStreamRelay.isRelayedAnswer(message)) {
            JsonNode answer = BackendStreamRelay.withBackendId(message);
            background.execute(() -> forwardToStatefulBackend(function, session, answer));
        } else if (JsonRpc.isNotification(message) || JsonRpc.isResponse(message)) {
            if ("notifications/cancelled".equals(JsonRpc.method(message))) {
                cancel(session.id(), message.path("params").get("requestId"));
            }
            background.execute(() -> forwardToStatefulBackend(function, session, message));
        } else if (JsonRpc.isRequest(message)) {
            background.execute(() -> legacyRequest(function, session, message, sink));
        } else {
            throw new McpException(Status.BAD_REQUEST_400, JsonRpc.INVALID_REQUEST, "not a JSON-RPC message");
        }
        accepted(res);
    }

    private void legacyRequest(FunctionRegistration function, McpSession session, JsonNode message, LogSink sink) {
        JsonNode id = message.get("id");
        try {
            if ("initialize".equals(JsonRpc.method(message))) {
                Initialized initialized = initializeWithFunction(function, message, session.id(), session.owner());
                if (initialized.session() != null) {
                    state.mcpSessions().save(initialized.session());
                    reaper.remember(initialized.session());
                    // the replica holding the client's stream may be another one
                    signal(SessionSignal.initialized(session.id()));
                }
                sink.send(initialized.response(), true);
                return;
            }
            // re-read: initialize may have completed the session since this message's lookup
            McpSession current = state.mcpSessions().find(session.id()).orElse(session);
            try {
                handleRequest(function, current, message, sink);
            } catch (ApiException e) {
                sink.send(JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, e.getMessage()), true);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "HTTP+SSE request " + id + " failed: " + e.getMessage());
        }
    }

    // ---- DELETE ----

    private void delete(ServerRequest req, ServerResponse res) {
        FunctionRegistration function = function(req);
        origins.check(req);
        String sessionId = req.headers()
                .first(SESSION_ID)
                .orElseThrow(() -> new McpException(
                        Status.METHOD_NOT_ALLOWED_405, JsonRpc.GATEWAY_ERROR, "DELETE needs an Mcp-Session-Id"));
        McpSession session = session(req, sessionId, function);
        endSession(function, session.id(), session.backendSessionId());
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    /**
     * Ends a session in the whole fleet: its record, its streams and calls on every replica, and the stateful
     * function's own session.
     *
     * @param backendSessionId the function's session to DELETE, or null
     */
    private void endSession(FunctionRegistration function, String sessionId, String backendSessionId) {
        state.mcpSessions().delete(sessionId);
        metrics.mcpSession(false);
        reaper.forget(sessionId);
        // its streams and calls may be on any replica: end them here at once, and everywhere by signal
        endHere(sessionId);
        signal(SessionSignal.ended(sessionId));
        if (backendSessionId != null) {
            backend.endSession(function, backendSessionId);
        }
    }

    // ---- signals between replicas ----

    /** Cancels a call here when it runs here, else asks the fleet: the request may have been posted elsewhere. */
    private void cancel(String sessionId, JsonNode requestId) {
        if (requestId != null && !relay.cancel(sessionId, requestId)) {
            signal(SessionSignal.cancel(sessionId, Json.write(requestId)));
        }
    }

    private void signal(SessionSignal signal) {
        try {
            state.signals().send(signal);
        } catch (RuntimeException e) {
            // the calls it concerns end at their deadline instead
            metrics.redisError();
            LOGGER.log(Level.FINE, "could not signal the fleet", e);
        }
    }

    private void onSignal(SessionSignal signal) {
        switch (signal.kind()) {
            case CANCEL -> {
                try {
                    relay.cancel(signal.sessionId(), JsonMapper.MAPPER.readTree(signal.requestId()));
                } catch (java.io.IOException e) {
                    LOGGER.fine("ignored a cancellation with an unreadable request id");
                }
            }
            case ENDED -> endHere(signal.sessionId());
            case INITIALIZED -> backendStreams.initialized(signal.sessionId());
            case RECOVERED -> backendStreams.recoveredElsewhere(signal.sessionId());
        }
    }

    /** Ends what this replica runs and holds for a session that ended. */
    private void endHere(String sessionId) {
        relay.cancelAll(sessionId);
        for (SseStream s : hub.of(McpIds.logKey(sessionId, STANDALONE))) {
            s.close(CloseReason.SHUTDOWN);
        }
        resumedStreams.getOrDefault(sessionId, Set.of()).forEach(s -> s.close(CloseReason.SHUTDOWN));
    }

    private void renewHeldSessions() {
        reaper.sweep();
        for (String id : java.util.Set.copyOf(heldSessions)) {
            try {
                state.mcpSessions().find(id);
            } catch (RuntimeException e) {
                metrics.redisError();
            }
        }
    }

    /** @return delivery of pushed notifications to this gateway's sessions ({@link McpNotifyService}) */
    public McpPush push() {
        return push;
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
        renewer.shutdownNow();
        backendStreams.close();
        background.shutdownNow();
    }
}
