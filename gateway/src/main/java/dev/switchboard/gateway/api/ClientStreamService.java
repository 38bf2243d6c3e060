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
import dev.switchboard.gateway.http.AddressLimits;
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
    private final AddressLimits addressLimits;

    /**
     * @param state           state store
     * @param hub             this replica's streams
     * @param ticker          heartbeat scheduling
     * @param metrics         meters
     * @param config          configuration
     * @param clock           time source
     * @param identityStreams streams per identity
     * @param addressLimits   streams per client address
     */
    public ClientStreamService(StateStore state, StreamHub hub, HeartbeatTicker ticker, GatewayMetrics metrics,
                               GatewayConfig config, Clock clock, IdentityStreams identityStreams,
                               AddressLimits addressLimits) {
        this.identityStreams = identityStreams;
        this.addressLimits = addressLimits;
        this.cors = CorsPolicy.forStreams(config.sseCorsOrigins());
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
                .options("/{clientId}", this::preflight)
                .any("/{clientId}", ErrorHandling.methodNotAllowed("GET, OPTIONS"));
    }

    private void preflight(ServerRequest req, ServerResponse res) {
        preflightHeaders(req.headers()).forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    /**
     * @param headers a preflight's headers
     * @return the CORS headers to answer it with (none for an origin that may not read streams)
     */
    public Map<String, String> preflightHeaders(io.helidon.http.Headers headers) {
        return cors.preflight(headers.first(HeaderNames.ORIGIN));
    }

    private void stream(ServerRequest req, ServerResponse res) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().first(name).orElse(""));
        }
        Opened opened = open(req.path().pathParameters().get("clientId"), req.headers(), query,
                             AuthFilter.identity(req), addressLimits.client(req.remotePeer().address(), req.headers()));
        CloseReason reason = CloseReason.CLIENT_GONE;
        try {
            opened.allowOrigin().ifPresent(origin -> res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin));
            if (cors.variesByOrigin()) {
                res.header(HeaderNames.VARY, "Origin");
            }
            SseStream stream = opened.stream();
            OutputStream out = SseResponses.start(res);
            try {
                stream.writeDirect(out, opened.connected());
                for (ClientEvent event : opened.missed()) {
                    stream.writeDirect(out, event);
                }
                out.flush();
                metrics.written(opened.missed().size() + 1, false);
                reason = stream.pump(out, metrics::written);
                if (reason == CloseReason.SHUTDOWN) {
                    out.write(SseEncoder.retry(RECONNECT_HINT.toMillis()));
                }
                out.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.log(Level.FINE, "stream " + stream.connectionId() + " ended", e);
            }
        } finally {
            finish(opened, reason);
        }
    }

    /**
     * A stream admitted, recorded and positioned: what its transport writes first, then the stream's own
     * events. Whoever opened it must {@link #finish} it.
     *
     * @param stream      the stream, admitted to this replica's hub
     * @param identity    who opened it
     * @param address     the client address it counts against ({@code MAX_STREAMS_PER_IP})
     * @param connected   the {@code connected} event
     * @param missed      events after the client's {@code Last-Event-ID}, to replay
     * @param allowOrigin the {@code Access-Control-Allow-Origin} to answer, if any
     */
    public record Opened(SseStream stream, Identity identity, String address, ClientEvent connected,
                         List<ClientEvent> missed, Optional<String> allowOrigin) {
        /** @return the same stream without its start, once written (an idle stream should hold little) */
        public Opened written() {
            return new Opened(stream, identity, address, null, List.of(), Optional.empty());
        }
    }

    /**
     * Opens a generic stream, whatever carries it (this service, or the stream listener): validates the
     * request, applies the limits, records the connection and reads what the client missed. Everything
     * that needs the store happens here, before a response is committed, so an outage is a clean 503.
     *
     * @param clientId the path's client id
     * @param headers  request headers
     * @param query    query parameters, first value of each, in order
     * @param identity who asks (from client authentication)
     * @param address  the client's address ({@code MAX_STREAMS_PER_IP})
     * @return the opened stream
     * @throws ApiException for a refused request
     */
    public Opened open(String clientId, io.helidon.http.Headers headers, Map<String, String> query,
                       Identity identity, String address) {
        if (!InvokeRequest.CLIENT_ID.matcher(clientId).matches()) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_CLIENT_ID",
                                   "client id " + InvokeRequest.CLIENT_ID_RULE);
        }
        Optional<String> lastEventId = headers.first(LAST_EVENT_ID)
                .or(() -> Optional.ofNullable(query.get("lastEventId")))
                .map(String::trim)
                .filter(id -> !id.isEmpty());
        if (lastEventId.isPresent() && !EventIds.isValid(lastEventId.get())) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_LAST_EVENT_ID",
                                   "Last-Event-ID must be an id this gateway sent (<millis>-<sequence>)");
        }
        String userId = headers.first(USER_ID).map(v -> truncate(v)).orElse(null);
        Map<String, String> metadata = metadata(query);
        addressLimits.acquireStream(address);
        if (!identityStreams.acquire(identity)) {
            addressLimits.releaseStream(address);
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new ApiException(Status.TOO_MANY_REQUESTS_429, "TOO_MANY_STREAMS", "this identity already holds "
                    + identityStreams.max() + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        SseStream stream = new SseStream(RandomIds.next(), ClientIds.streamKey(identity, clientId), userId, metadata,
                                         clock.instant(), config.replicaId(), config.limits().streamQueueDepth(),
                                         ClientStreamService::heartbeat);
        boolean registered = false;
        try {
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
            String tail = state.events().tail(stream.clientId());
            // an id beyond the newest event (made up, or from a log that has since expired) would hide
            // every event up to it: resume from the newest event instead
            String start = lastEventId.filter(id -> EventIds.compare(id, tail) <= 0).orElse(tail);
            state.connections().register(stream.info());
            registered = true;
            List<ClientEvent> missed = state.events().readAfter(stream.clientId(), start,
                                                                config.limits().eventLogMaxLength());
            metrics.connectionOpened();
            return new Opened(stream, identity, address, connected(stream, clientId, start, missed.size()), missed,
                              cors.allowOrigin(headers.first(HeaderNames.ORIGIN)));
        } catch (RuntimeException e) {
            stream.close(CloseReason.CLIENT_GONE);
            hub.remove(stream);
            identityStreams.release(identity);
            addressLimits.releaseStream(address);
            if (registered) {
                forget(stream);
            }
            throw e;
        }
    }

    /** @return whether answers vary by the request's {@code Origin} (a {@code Vary: Origin} is due) */
    public boolean corsVariesByOrigin() {
        return cors.variesByOrigin();
    }

    /**
     * Ends an opened stream: out of the hub and the fleet's directory, its identity's place returned.
     *
     * @param opened the stream
     * @param reason why it ended
     */
    public void finish(Opened opened, CloseReason reason) {
        SseStream stream = opened.stream();
        stream.close(reason);
        hub.remove(stream);
        identityStreams.release(opened.identity());
        addressLimits.releaseStream(opened.address());
        forget(stream);
        metrics.connectionClosed(reason);
    }

    /** @return the reconnection delay sent when this replica ends a stream */
    public static long reconnectHintMillis() {
        return RECONNECT_HINT.toMillis();
    }

    /** @return the meters (for the stream listener's writes) */
    public GatewayMetrics metrics() {
        return metrics;
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

    private static Map<String, String> metadata(Map<String, String> query) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (e.getKey().equals("lastEventId")) {
                continue;
            }
            if (metadata.size() == MAX_METADATA_ENTRIES) {
                throw new ApiException(Status.BAD_REQUEST_400, "INVALID_METADATA",
                                       "at most " + MAX_METADATA_ENTRIES + " query parameters");
            }
            metadata.put(truncate(e.getKey()), truncate(e.getValue()));
        }
        return metadata;
    }

    private static String truncate(String value) {
        return value.length() <= MAX_METADATA_LENGTH ? value : value.substring(0, MAX_METADATA_LENGTH);
    }
}
