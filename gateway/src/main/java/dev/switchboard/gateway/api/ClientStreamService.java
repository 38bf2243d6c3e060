package dev.switchboard.gateway.api;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.gateway.auth.AuthFilter;
import dev.switchboard.gateway.auth.ClientIds;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.CorsPolicy;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.invoke.InvokeRequest;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseResponses;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.StateStore;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /sse/{clientId}}: the generic SSE stream. Sends {@code connected}, then the events the client
 * missed after its {@code Last-Event-ID}, then live events and heartbeats until the client leaves.
 */
public final class ClientStreamService implements HttpService {
    private static final Logger LOGGER = Logger.getLogger(ClientStreamService.class.getName());
    private static final HeaderName USER_ID = HeaderNames.create("X-User-ID");
    private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final int MAX_METADATA_ENTRIES = 32;
    private static final int MAX_METADATA_LENGTH = 256;
    /** Reconnection delay suggested to clients when this replica closes their stream. */
    static final Duration RECONNECT_HINT = Duration.ofSeconds(1);

    private final StateStore state;
    private final CorsPolicy cors;
    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Clock clock;
    private final IdentityStreams identityStreams;

    /**
     * @param state           state store
     * @param hub             this replica's streams
     * @param ticker          heartbeat scheduling
     * @param metrics         meters
     * @param config          configuration
     * @param clock           time source
     * @param identityStreams streams per identity
     */
    public ClientStreamService(StateStore state, StreamHub hub, HeartbeatTicker ticker, GatewayMetrics metrics,
                               GatewayConfig config, Clock clock, IdentityStreams identityStreams) {
        this.identityStreams = identityStreams;
        this.cors = CorsPolicy.of(config.sseCorsOrigins());
        this.state = state;
        this.hub = hub;
        this.ticker = ticker;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{clientId}", this::stream)
                .any("/{clientId}", ErrorHandling.methodNotAllowed("GET"));
    }

    private void stream(ServerRequest req, ServerResponse res) {
        String clientId = req.path().pathParameters().get("clientId");
        if (!InvokeRequest.CLIENT_ID.matcher(clientId).matches()) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_CLIENT_ID",
                                   "client id " + InvokeRequest.CLIENT_ID_RULE);
        }
        Optional<String> lastEventId = req.headers().first(LAST_EVENT_ID)
                .or(() -> req.query().first("lastEventId").asOptional())
                .map(String::trim)
                .filter(id -> !id.isEmpty());
        if (lastEventId.isPresent() && !EventIds.isValid(lastEventId.get())) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_LAST_EVENT_ID",
                                   "Last-Event-ID must be an id this gateway sent (<millis>-<sequence>)");
        }
        String userId = req.headers().first(USER_ID).map(v -> truncate(v)).orElse(null);
        Identity identity = AuthFilter.identity(req);
        String streamKey = ClientIds.streamKey(identity, clientId);
        Map<String, String> metadata = metadata(req);
        if (!identityStreams.acquire(identity)) {
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new ApiException(Status.TOO_MANY_REQUESTS_429, "TOO_MANY_STREAMS", "this identity already holds "
                    + identityStreams.max() + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        try {
            serve(req, res, clientId, streamKey, userId, metadata, lastEventId);
        } finally {
            identityStreams.release(identity);
        }
    }

    private void serve(ServerRequest req, ServerResponse res, String clientId, String streamKey, String userId,
                       Map<String, String> metadata, Optional<String> lastEventId) {
        SseStream stream = new SseStream(RandomIds.next(), streamKey, userId, metadata,
                                         clock.instant(), config.replicaId(), config.limits().streamQueueDepth(),
                                         ClientStreamService::heartbeat);
        ticker.schedule(stream);
        switch (hub.admit(stream)) {
            case CLIENT_LIMIT -> throw new ApiException(Status.TOO_MANY_REQUESTS_429, "TOO_MANY_CONNECTIONS",
                    "client " + clientId + " already holds " + config.limits().maxConnectionsPerClient()
                            + " connections on this replica (MAX_CONNECTIONS_PER_CLIENT)");
            case REPLICA_LIMIT -> throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "SERVER_FULL",
                    "this replica holds its maximum of " + config.limits().maxConnections()
                            + " connections (MAX_CONNECTIONS); retry on another replica");
            default -> { }
        }
        CloseReason reason = CloseReason.CLIENT_GONE;
        boolean registered = false;
        try {
            // Everything that needs the store happens before the response is committed, so an outage is a 503.
            String tail = state.events().tail(streamKey);
            // an id beyond the newest event (made up, or from a log that has since expired) would hide
            // every event up to it: resume from the newest event instead
            String start = lastEventId.filter(id -> EventIds.compare(id, tail) <= 0).orElse(tail);
            state.connections().register(stream.info());
            registered = true;
            List<ClientEvent> missed = state.events().readAfter(streamKey, start,
                                                                config.limits().eventLogMaxLength());

            cors.allowOrigin(req.headers().first(HeaderNames.ORIGIN))
                    .ifPresent(origin -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin));
            if (cors.variesByOrigin()) {
                res.header(HeaderNames.VARY, "Origin");
            }
            metrics.connectionOpened();
            OutputStream out = SseResponses.start(res);
            try {
                stream.writeDirect(out, connected(stream, clientId, start, missed.size()));
                for (ClientEvent event : missed) {
                    stream.writeDirect(out, event);
                }
                out.flush();
                metrics.written(missed.size() + 1, false);
                reason = stream.pump(out, metrics::written);
                if (reason == CloseReason.SHUTDOWN) {
                    out.write(SseEncoder.retry(RECONNECT_HINT.toMillis()));
                }
                out.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "stream " + stream.connectionId() + " ended", e);
            }
        } finally {
            stream.close(reason);
            hub.remove(stream);
            if (registered) {
                forget(stream);
                metrics.connectionClosed(reason);
            }
        }
    }

    private void forget(SseStream stream) {
        try {
            state.connections().unregister(stream.connectionId());
        } catch (RuntimeException e) {
            metrics.redisError();
            LOGGER.log(Level.FINE, "could not remove connection record; it expires with the replica's", e);
        }
    }

    private ClientEvent connected(SseStream stream, String clientId, String start, int replayed) {
        ObjectNode data = Json.object();
        data.put("connection_id", stream.connectionId());
        data.put("client_id", clientId);
        data.put("replica", config.replicaId());
        data.put("replayed", replayed);
        data.put("timestamp", clock.instant().getEpochSecond());
        return new ClientEvent(start, "connected", Json.write(data));
    }

    private static byte[] heartbeat(SseStream stream) {
        // the id repeats the last event id, so a client resuming after a heartbeat misses nothing
        String data = "{\"timestamp\":" + (System.currentTimeMillis() / 1000)
                + ",\"connection_id\":\"" + stream.connectionId() + "\"}";
        return SseEncoder.event(stream.lastSentId(), "heartbeat", data);
    }

    private static Map<String, String> metadata(ServerRequest req) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            if (name.equals("lastEventId")) {
                continue;
            }
            if (metadata.size() == MAX_METADATA_ENTRIES) {
                throw new ApiException(Status.BAD_REQUEST_400, "INVALID_METADATA",
                                       "at most " + MAX_METADATA_ENTRIES + " query parameters");
            }
            metadata.put(truncate(name), truncate(req.query().first(name).orElse("")));
        }
        return metadata;
    }

    private static String truncate(String value) {
        return value.length() <= MAX_METADATA_LENGTH ? value : value.substring(0, MAX_METADATA_LENGTH);
    }
}
