package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.ClientEventLog;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.McpSession;
import dev.switchboard.registry.FunctionRegistration;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Streamable HTTP transport on {@code /mcp/{name}}: POST carries a message (a session's, or a 2026-07-28
 * request without one) and is answered with JSON or an SSE stream ({@link ResponseSink}); GET opens the
 * session's standalone stream, or resumes a POST stream or the standalone one with {@code Last-Event-ID};
 * DELETE ends the session. What a message means is the {@link McpRequestHandler}'s business.
 */
final class StreamableHttpTransport {
    private static final Logger LOGGER = Logger.getLogger(StreamableHttpTransport.class.getName());
    static final HeaderName SESSION_ID = HeaderNames.create("Mcp-Session-Id");
    static final HeaderName PROTOCOL_VERSION = HeaderNames.create("MCP-Protocol-Version");
    /** Reconnection delay suggested when the gateway ends a stream. */
    private final McpRequestReader reader;

    private final OriginGuard origins;
    private final McpSessions sessions;
    private final McpRequestHandler handler;
    private final SessionStreams streams;
    private final PostStreamWriters writers;
    private final PostStreamFollower follower;
    private final BackendStreamRelay backendStreams;
    private final ClientEventLog events;
    private final ListenStreams listens;
    private final GatewayConfig config;

    StreamableHttpTransport(
            McpRequestReader reader,
            OriginGuard origins,
            McpSessions sessions,
            McpRequestHandler handler,
            SessionStreams streams,
            PostStreamWriters writers,
            PostStreamFollower follower,
            BackendStreamRelay backendStreams,
            ClientEventLog events,
            ListenStreams listens,
            GatewayConfig config) {
        this.reader = reader;
        this.origins = origins;
        this.sessions = sessions;
        this.handler = handler;
        this.streams = streams;
        this.writers = writers;
        this.follower = follower;
        this.backendStreams = backendStreams;
        this.events = events;
        this.listens = listens;
        this.config = config;
    }

    // ---- POST ----

    void post(McpExchange ex) throws IOException {
        origins.check(ex.headers());
        FunctionRegistration function = reader.function(ex.server());
        ClientAccept accept = ClientAccept.of(ex.headers());
        ClientMessage read = reader.message(ex);
        JsonNode message = read.json();
        Optional<String> sessionId = ex.headers().first(SESSION_ID);
        McpSpans.describe(message, sessionId.orElse(null));
        if (sessionId.isPresent()) {
            McpSession session = sessions.find(sessionId.get(), ex.identity(), function, false);
            checkVersionHeader(ex.headers());
            inSession(ex, function, session, read, accept);
        } else if (isModern(ex.headers(), message) && ListenStreams.isListen(message)) {
            listens.listen(ex, function, message, accept); // held here: a stateless function cannot
        } else if (isModern(ex.headers(), message)) {
            Map<String, String> headers = modernHeaders(ex.headers());
            headers.putAll(ex.identity().functionHeaders());
            handler.relayStateless(
                    function,
                    read,
                    headers,
                    new ResponseSink(
                            ex,
                            accept,
                            events,
                            null,
                            null,
                            null,
                            McpVersions.MODERN,
                            config.limits().mcpStreamLogTtl(),
                            config.limits().asyncDeliveryTimeout()));
        } else if (message.isObject() && JsonRpc.isRequest(message) && "initialize".equals(JsonRpc.method(message))) {
            initialize(ex, function, message, accept, ex.identity());
        } else {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.GATEWAY_ERROR,
                    "Mcp-Session-Id header is required; send initialize first");
        }
    }

    /** @throws McpException 400 when a session's request names a version without sessions */
    static void checkVersionHeader(io.helidon.http.Headers headers) {
        headers.first(PROTOCOL_VERSION).ifPresent(v -> {
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
    private static boolean isModern(io.helidon.http.Headers requestHeaders, JsonNode message) {
        Optional<String> header = requestHeaders.first(PROTOCOL_VERSION);
        boolean metaVersion = message.path("params").path("_meta").has(McpMeta.PROTOCOL_VERSION);
        return metaVersion
                || header.filter(v -> !McpVersions.SESSION_BASED.contains(v)).isPresent();
    }

    private static Map<String, String> modernHeaders(io.helidon.http.Headers requestHeaders) {
        Map<String, String> headers = new HashMap<>();
        requestHeaders.forEach(h -> {
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
            McpExchange res, FunctionRegistration function, JsonNode message, ClientAccept accept, Identity identity) {
        SessionInitializer.Initialized initialized = sessions.open(function, message, identity);
        if (initialized.session() != null) {
            res.header(SESSION_ID.defaultCase(), initialized.session().id());
            io.opentelemetry.api.trace.Span.current()
                    .setAttribute("mcp.session.id", initialized.session().id());
        }
        sendOne(res, initialized.response(), accept);
    }

    private void inSession(
            McpExchange res, FunctionRegistration function, McpSession session, ClientMessage read, ClientAccept accept)
            throws IOException {
        JsonNode message = read.json();
        if (message.isArray()) {
            Optional<com.fasterxml.jackson.databind.node.ArrayNode> responses =
                    handler.batch(function, session, message);
            if (responses.isEmpty()) {
                res.sendEmpty(Status.ACCEPTED_202);
            } else {
                res.sendJson(Status.OK_200, responses.get());
            }
            return;
        }
        if (!JsonRpc.isRequest(message)) {
            handler.notificationOrAnswer(function, session, message, Runnable::run);
            res.sendEmpty(Status.ACCEPTED_202);
            return;
        }
        handler.request(
                function,
                session,
                read,
                new ResponseSink(
                        res,
                        accept,
                        events,
                        writers,
                        session.id(),
                        message.get("id"),
                        session.protocolVersion(),
                        config.limits().mcpStreamLogTtl(),
                        config.limits().asyncDeliveryTimeout()));
    }

    /** One message as the client prefers: JSON, or a one-event SSE stream for a client that takes only SSE. */
    private static void sendOne(McpExchange res, JsonNode message, ClientAccept accept) {
        if (accept.json()) {
            res.sendJson(Status.OK_200, message);
            return;
        }
        res.status(Status.OK_200);
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        res.send(SseEncoder.event(null, null, Json.write(message)));
    }

    // ---- GET: a POST stream resumed (the event loop holds standalone streams: openStandalone) ----

    void get(McpExchange res) {
        origins.check(res.headers());
        FunctionRegistration function = reader.function(res.server());
        String sessionId = res.headers()
                .first(SESSION_ID)
                .orElseThrow(() -> McpException.methodNotAllowed(
                        McpEndpoint.ENDPOINT_METHODS,
                        "GET needs an Mcp-Session-Id (2026-07-28 clients use POST only)"));
        McpSession session = sessions.find(sessionId, res.identity(), function, false);
        checkVersionHeader(res.headers());
        Optional<LastEventId> lastEventId = LastEventId.of(res.headers());
        if (lastEventId.isEmpty() || lastEventId.get().standalone()) {
            // the listener's event loop holds standalone streams (McpStreamOpener.heldOnTheLoop, openStandalone)
            throw new IllegalStateException("a standalone GET reached the endpoint, not the event loop");
        }
        resume(
                res,
                session,
                function,
                lastEventId.get().streamId(),
                lastEventId.get().after());
    }

    /**
     * Opens a session's standalone stream for the event loop that writes it: the same checks as {@link #get}, the
     * stream held and its backend stream watched, and its first bytes (priming, or the replay of what the client
     * missed) encoded into the stream's position.
     *
     * @param name     the MCP server's name
     * @param headers  the GET's headers
     * @param identity who asks
     * @return the held stream; {@link LoopStandalone#finish} it
     * @throws McpException as {@link #get}; 400 for a POST stream's id (served through {@link McpEndpoint} and
     *                      {@link #get}: a held follower, not a loop stream)
     */
    LoopStandalone openStandalone(String name, io.helidon.http.Headers headers, Identity identity) {
        origins.check(headers);
        FunctionRegistration function = reader.function(name);
        String sessionId = headers.first(SESSION_ID)
                .orElseThrow(() -> McpException.methodNotAllowed(
                        McpEndpoint.ENDPOINT_METHODS,
                        "GET needs an Mcp-Session-Id (2026-07-28 clients use POST only)"));
        McpSession session = sessions.find(sessionId, identity, function, false);
        checkVersionHeader(headers);
        Optional<LastEventId> lastEventId = LastEventId.of(headers);
        if (lastEventId.isPresent() && !lastEventId.get().standalone()) {
            throw new McpException(
                    Status.BAD_REQUEST_400,
                    JsonRpc.GATEWAY_ERROR,
                    "a POST stream's id: its resume is not a standalone stream");
        }
        String logKey = McpIds.logKey(session.id(), McpIds.STANDALONE);
        SseStream stream = holdStandalone(session, logKey);
        streams.replaceOthers(logKey, stream);
        sessions.standaloneOpened(session.id(), stream);
        LoopStandalone held = new LoopStandalone(stream, session.id(), session.owner());
        try {
            backendStreams.watch(session, logKey);
            java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream(256);
            if (lastEventId.isPresent()) {
                stream.startAfter(lastEventId.get().after());
                for (ClientEvent e : events.readAfter(
                        logKey, lastEventId.get().after(), config.limits().eventLogMaxLength())) {
                    byte[] bytes = stream.encodeReplayed(logKey, e);
                    if (bytes != null) {
                        start.writeBytes(bytes);
                    }
                }
            } else if (McpVersions.primesStreams(session.protocolVersion())) {
                start.writeBytes(stream.encodeReplayed(logKey, new ClientEvent(EventIds.ZERO, null, "")));
            } else {
                start.writeBytes(SseEncoder.comment("stream open"));
            }
            held.start = start.toByteArray();
            return held;
        } catch (RuntimeException e) {
            held.finish(CloseReason.CLIENT_GONE);
            throw e;
        }
    }

    /** A standalone stream held for the stream listener's loop: what to write first, and how it ends. */
    final class LoopStandalone {
        private final SseStream stream;
        private final String sessionId;
        private final Identity owner;
        private byte[] start;

        private LoopStandalone(SseStream stream, String sessionId, Identity owner) {
            this.stream = stream;
            this.sessionId = sessionId;
            this.owner = owner;
        }

        SseStream stream() {
            return stream;
        }

        /** @return the stream's first bytes (priming or replay), once; an idle stream should hold little */
        byte[] takeStart() {
            byte[] bytes = start;
            start = null;
            return bytes;
        }

        /** Ends what {@link #openStandalone} held (not on the loop: it calls the store). */
        void finish(CloseReason reason) {
            backendStreams.unwatch(sessionId);
            streams.release(stream, sessionId, owner, reason);
        }
    }

    /**
     * Resumes a POST stream: replays its events after the given one, then follows it live until its
     * response (or cancellation), which ends it. The call may be running on any replica; the connection it came on,
     * if still open, ends, and so does an older resume of it.
     */
    private void resume(
            McpExchange res, McpSession session, FunctionRegistration function, String streamId, String after) {
        String logKey = McpIds.logKey(session.id(), streamId);
        SseStream held = streams.hold(
                session.id(),
                session.owner(),
                "resumed",
                logKey,
                HeldMcpStreams.logFull("this stream is already resumed too many times at once"));
        QuietLimits limits = QuietLimits.of(function.timeout(), config.mcpInputTimeout(), config.heartbeatInterval());
        streams.resumed(session.id(), held);
        try (OutputStream out = res.startSse()) {
            // its messages go on this stream only, from now on: the connections the client gave up on end
            streams.resumedHere(logKey, held);
            sessions.postStreamResumed(session.id(), streamId, held);
            follower.follow(out, held, streamId, after, limits, McpVersions.primesStreams(session.protocolVersion()));
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.FINE, "resumed stream ended early", e);
        } finally {
            streams.resumeEnded(session.id(), held);
            streams.release(held, session.id(), session.owner(), CloseReason.CLIENT_GONE);
        }
    }

    /** Admits a session's standalone stream, on whichever listener holds it. */
    private SseStream holdStandalone(McpSession session, String logKey) {
        return streams.hold(
                session.id(),
                session.owner(),
                "standalone",
                logKey,
                HeldMcpStreams.logFull("this session already holds its standalone streams"));
    }

    // ---- DELETE ----

    void delete(McpExchange res) {
        origins.check(res.headers());
        FunctionRegistration function = reader.function(res.server());
        String sessionId = res.headers()
                .first(SESSION_ID)
                .orElseThrow(() ->
                        McpException.methodNotAllowed(McpEndpoint.ENDPOINT_METHODS, "DELETE needs an Mcp-Session-Id"));
        McpSession session = sessions.find(sessionId, res.identity(), function, false);
        checkVersionHeader(res.headers());
        sessions.end(function, session.id(), session.backendSessionId());
        res.sendEmpty(Status.NO_CONTENT_204);
    }
}
