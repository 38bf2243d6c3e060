package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.auth.ClientIds;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.auth.IdentityStreams;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.RandomIds;
import dev.switchboard.gateway.invoke.InvokeRequest;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.HeartbeatTicker;
import dev.switchboard.gateway.sse.SseEncoder;
import dev.switchboard.gateway.sse.SseStream;
import dev.switchboard.gateway.sse.StreamHub;
import dev.switchboard.gateway.state.ClientEvent;
import dev.switchboard.gateway.state.EventIds;
import dev.switchboard.gateway.state.StateStore;
import dev.switchboard.gateway.topic.ResumeToken;
import dev.switchboard.gateway.topic.TopicNames;
import dev.switchboard.gateway.topic.TopicSubscriptions;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /sse/{clientId}[?topic=a&topic=b]}: the generic SSE stream. Sends {@code connected}, then the
 * events the client missed after its {@code Last-Event-ID}, then live events and heartbeats until the client
 * leaves. With topics, it follows their logs too, and its event ids are {@link ResumeToken}s.
 */
public final class ClientStreamService {
    private static final Logger LOGGER = Logger.getLogger(ClientStreamService.class.getName());
    private static final HeaderName USER_ID = HeaderNames.create("X-User-ID");
    private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final int MAX_METADATA_ENTRIES = 32;
    private static final int MAX_METADATA_LENGTH = 256;
    /** The query parameter naming a topic to follow; repeated for several. */
    public static final String TOPIC_PARAMETER = "topic";
    /** Reconnection delay suggested to clients when this replica closes their stream. */
    static final Duration RECONNECT_HINT = Duration.ofSeconds(1);

    private final StateStore state;
    private final CorsPolicy cors;
    private final StreamHub hub;
    private final HeartbeatTicker ticker;
    /** The generic heartbeat event, encoded in place by an event loop. */
    private final GenericHeartbeat heartbeat = new GenericHeartbeat(System::currentTimeMillis);

    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Clock clock;
    private final IdentityStreams identityStreams;
    private final AddressLimits addressLimits;
    private final TopicSubscriptions subscriptions;

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
    public ClientStreamService(
            StateStore state,
            StreamHub hub,
            HeartbeatTicker ticker,
            GatewayMetrics metrics,
            GatewayConfig config,
            Clock clock,
            IdentityStreams identityStreams,
            AddressLimits addressLimits) {
        this.identityStreams = identityStreams;
        this.addressLimits = addressLimits;
        this.subscriptions = new TopicSubscriptions(
                config.limits().maxTopicsPerStream(), !config.auth().methods().isEmpty());
        this.cors = CorsPolicy.forStreams(config.sseCorsOrigins());
        this.state = state;
        this.hub = hub;
        this.ticker = ticker;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /**
     * @param headers a preflight's headers
     * @return the CORS headers to answer it with (none for an origin that may not read streams)
     */
    public Map<String, String> preflightHeaders(io.helidon.http.Headers headers) {
        return cors.preflight(headers.first(HeaderNames.ORIGIN));
    }

    /**
     * @param headers a request's headers
     * @return the CORS headers of a refusal on the route, so that a page the origins allow can read why it was refused
     */
    public Map<String, String> corsHeaders(io.helidon.http.Headers headers) {
        return cors.response(headers.first(HeaderNames.ORIGIN));
    }

    /**
     * A stream admitted, recorded and positioned: what its transport writes first, then the stream's own
     * events. Whoever opened it must {@link #finish} it.
     *
     * @param stream      the stream, admitted to this replica's hub
     * @param identity    who opened it
     * @param address     the client address it counts against ({@code MAX_STREAMS_PER_IP})
     * @param start       the {@code connected} event and the events after the client's {@code Last-Event-ID},
     *                    encoded: the body's first bytes
     * @param replayed    how many events {@code start} replays
     * @param allowOrigin the {@code Access-Control-Allow-Origin} to answer, if any
     */
    public record Opened(
            SseStream stream,
            Identity identity,
            String address,
            byte[] start,
            int replayed,
            Optional<String> allowOrigin) {
        /** @return the same stream without its start, once written (an idle stream should hold little) */
        public Opened written() {
            return new Opened(stream, identity, address, null, replayed, Optional.empty());
        }
    }

    /**
     * Opens a generic stream, whatever carries it (this service, or the event loops): validates the
     * request, applies the limits, records the connection and reads what the client missed. Everything
     * that needs the store happens here, before a response is committed, so an outage is a clean 503.
     *
     * @param clientId the path's client id
     * @param headers  request headers
     * @param query    query parameters, every value of each, in order
     * @param identity who asks (from client authentication)
     * @param address  the client's address ({@code MAX_STREAMS_PER_IP})
     * @return the opened stream
     * @throws ApiException for a refused request
     */
    public Opened open(
            String clientId,
            io.helidon.http.Headers headers,
            Map<String, List<String>> query,
            Identity identity,
            String address) {
        if (!InvokeRequest.CLIENT_ID.matcher(clientId).matches()) {
            throw new ApiException(
                    Status.BAD_REQUEST_400, "INVALID_CLIENT_ID", "client id " + InvokeRequest.CLIENT_ID_RULE);
        }
        List<String> topics = subscriptions.topics(query.getOrDefault(TOPIC_PARAMETER, List.of()), identity);
        Optional<String> lastEventId = headers.first(LAST_EVENT_ID)
                .or(() -> Optional.ofNullable(first(query, "lastEventId")))
                .map(String::trim)
                .filter(id -> !id.isEmpty());
        if (lastEventId.isPresent()
                && !EventIds.isValid(lastEventId.get())
                && (topics.isEmpty() || !ResumeToken.looksLikeToken(lastEventId.get()))) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_LAST_EVENT_ID",
                    topics.isEmpty()
                            ? "Last-Event-ID must be an id this gateway sent (<millis>-<sequence>)"
                            : "Last-Event-ID must be an id this stream sent (a v1. resume token, or <millis>-<sequence>)");
        }
        String userId = headers.first(USER_ID).map(v -> truncate(v)).orElse(null);
        Map<String, String> metadata = metadata(query);
        addressLimits.acquireStream(address);
        if (!identityStreams.acquire(identity)) {
            addressLimits.releaseStream(address);
            metrics.authRefused("TOO_MANY_STREAMS");
            throw new ApiException(
                    Status.TOO_MANY_REQUESTS_429,
                    "TOO_MANY_STREAMS",
                    "this identity already holds " + identityStreams.max()
                            + " streams on this replica (MAX_STREAMS_PER_IDENTITY)");
        }
        SseStream stream = new SseStream(
                RandomIds.next(),
                ClientIds.streamKey(identity, clientId),
                topics.stream().map(TopicNames::logKey).toList(),
                userId,
                metadata,
                clock.instant(),
                config.replicaId(),
                config.limits().streamQueueDepth(),
                heartbeat);
        boolean registered = false;
        try {
            ticker.schedule(stream);
            switch (hub.admit(stream)) {
                case CLIENT_LIMIT ->
                    throw new ApiException(
                            Status.TOO_MANY_REQUESTS_429,
                            "TOO_MANY_CONNECTIONS",
                            "client " + clientId + " already holds "
                                    + config.limits().maxConnectionsPerClient()
                                    + " connections on this replica (MAX_CONNECTIONS_PER_CLIENT)");
                case REPLICA_LIMIT ->
                    throw new ApiException(
                            Status.SERVICE_UNAVAILABLE_503,
                            "SERVER_FULL",
                            "this replica holds its maximum of "
                                    + config.limits().maxConnections()
                                    + " connections (MAX_CONNECTIONS); retry on another replica");
                default -> {}
            }
            String[] starts = starts(stream, lastEventId);
            // positioned before the replay is read: a catch-up after a re-made subscription (on another thread,
            // at any moment from here) then reads from the start rather than skip this stream
            stream.startAt(starts);
            state.connections().register(stream.info());
            registered = true;
            List<Replayed> missed = new ArrayList<>();
            for (int i = 0; i < starts.length; i++) {
                String log = stream.logs().get(i);
                for (ClientEvent event :
                        state.events().readAfter(log, starts[i], config.limits().eventLogMaxLength())) {
                    missed.add(new Replayed(log, event));
                }
            }
            // no order holds across logs; by id, the replay reads as the live stream would have
            missed.sort((a, b) -> EventIds.compare(a.event().id(), b.event().id()));
            java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream(256);
            ClientEvent connected = connected(stream, clientId, topics, stream.lastSentId(), missed.size());
            start.writeBytes(SseEncoder.event(connected.id(), connected.type(), connected.data()));
            for (Replayed r : missed) {
                byte[] bytes = stream.encodeReplayed(r.log(), r.event());
                if (bytes != null) {
                    start.writeBytes(bytes);
                }
            }
            metrics.connectionOpened();
            return new Opened(
                    stream,
                    identity,
                    address,
                    start.toByteArray(),
                    missed.size(),
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

    /**
     * Where the stream starts in each of its logs: after the client's {@code Last-Event-ID}, else at the
     * newest event. A position beyond a log's newest event (made up, or from a log that has since expired)
     * would hide every event up to it: that log resumes from its newest event instead.
     */
    private String[] starts(SseStream stream, Optional<String> lastEventId) {
        List<String> logs = stream.logs();
        String[] given = new String[logs.size()];
        if (lastEventId.isPresent() && EventIds.isValid(lastEventId.get())) {
            // a plain id is a position in the client's own log; the topics start at their newest events
            given[0] = lastEventId.get();
        } else if (lastEventId.isPresent()) {
            try {
                given = ResumeToken.decode(lastEventId.get(), logs);
            } catch (IllegalArgumentException e) {
                throw new ApiException(
                        Status.BAD_REQUEST_400, "INVALID_LAST_EVENT_ID", "Last-Event-ID: " + e.getMessage());
            }
        }
        String[] starts = new String[logs.size()];
        for (int i = 0; i < starts.length; i++) {
            String tail = state.events().tail(logs.get(i));
            String at = given[i];
            starts[i] = at != null && EventIds.compare(at, tail) <= 0 ? at : tail;
        }
        return starts;
    }

    /** An event read from one of a stream's logs. */
    private record Replayed(String log, ClientEvent event) {}

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
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

    /** @return the meters (for the event loops' writes) */
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

    private ClientEvent connected(SseStream stream, String clientId, List<String> topics, String start, int replayed) {
        ObjectNode data = Json.object();
        data.put("connection_id", stream.connectionId());
        data.put("client_id", clientId);
        if (!topics.isEmpty()) {
            topics.forEach(data.putArray("topics")::add);
        }
        data.put("replica", config.replicaId());
        data.put("replayed", replayed);
        data.put("timestamp", clock.instant().getEpochSecond());
        return new ClientEvent(start, "connected", Json.write(data));
    }

    /** @return the heartbeat schedule, for a writer that times its streams' heartbeats itself */
    public HeartbeatTicker heartbeats() {
        return ticker;
    }

    private static Map<String, String> metadata(Map<String, List<String>> query) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (e.getKey().equals("lastEventId") || e.getKey().equals(TOPIC_PARAMETER)) {
                continue;
            }
            if (metadata.size() == MAX_METADATA_ENTRIES) {
                throw new ApiException(
                        Status.BAD_REQUEST_400,
                        "INVALID_METADATA",
                        "at most " + MAX_METADATA_ENTRIES + " query parameters");
            }
            String value = e.getValue().isEmpty() ? "" : e.getValue().getFirst();
            metadata.put(truncate(e.getKey()), isCredential(e.getKey()) ? REDACTED : truncate(value));
        }
        return metadata;
    }

    /**
     * Query parameters that carry credentials by their name: a client that puts its key in the URL (the gateway reads
     * none from there) must not see it shown by {@code /admin/connections} and the monitoring page.
     */
    private static final java.util.Set<String> CREDENTIAL_PARAMETERS = java.util.Set.of(
            "api_key",
            "apikey",
            "api-key",
            "x-api-key",
            "key",
            "token",
            "access_token",
            "id_token",
            "refresh_token",
            "auth",
            "authorization",
            "bearer",
            "jwt",
            "password",
            "secret",
            "client_secret");

    /** What a credential's value is stored as. */
    static final String REDACTED = "[redacted]";

    private static boolean isCredential(String name) {
        return CREDENTIAL_PARAMETERS.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    private static String truncate(String value) {
        return value.length() <= MAX_METADATA_LENGTH ? value : value.substring(0, MAX_METADATA_LENGTH);
    }
}
