package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.ClientAddresses;
import dev.switchboard.gateway.net.OpenCounts;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * What one client address may hold, whichever listener it connects to: connections still sending their
 * request head ({@code MAX_PENDING_HEADS_PER_IP}, counted by each listener once a head is overdue:
 * {@link #headOverdueAfter}) and open streams
 * ({@code MAX_STREAMS_PER_IP}, counted here for both listeners). At accept the socket's peer is the
 * address; a peer in {@code TRUSTED_PROXIES} speaks for many clients and is not capped at accept, its
 * streams are counted by the client address it forwards once the head is read. Refusals are 429s with
 * their own codes, counted in {@code switchboard_auth_refused_total} by code.
 */
public final class AddressLimits {
    /** The code of a connection refused because its address has too many heads pending. */
    public static final String TOO_MANY_PENDING = "TOO_MANY_CONNECTIONS_FROM_ADDRESS";
    /** The code of a stream refused because its address holds too many. */
    public static final String TOO_MANY_STREAMS = "TOO_MANY_STREAMS_FROM_ADDRESS";

    /**
     * How long a connection may take to send its head before it counts against its address. Counting at accept
     * refused honest bursts: 200 clients behind one address connecting at once had 111-136 refused at a cap of 64,
     * their heads merely not read yet (measured 2026-12-07). A slow-loris connection is still silent after this.
     */
    private static final Duration HEAD_OVERDUE_AFTER = Duration.ofSeconds(1);

    /** Refused at accept: a connection or a stream may free up any moment. */
    private static final Map<String, String> RETRY_SOON = Map.of("Retry-After", "1");

    private final int maxPendingHeads;
    private final int maxStreams;
    private final ClientAddresses addresses;
    private final GatewayMetrics metrics;
    private final OpenCounts streams = new OpenCounts();

    /**
     * @param maxPendingHeads connections one address may have with an overdue head, per listener
     * @param maxStreams      streams one address may hold on this replica
     * @param addresses       who the client is ({@code TRUSTED_PROXIES})
     * @param metrics         counts refusals
     */
    public AddressLimits(int maxPendingHeads, int maxStreams, ClientAddresses addresses, GatewayMetrics metrics) {
        this.maxPendingHeads = maxPendingHeads;
        this.maxStreams = maxStreams;
        this.addresses = addresses;
        this.metrics = metrics;
    }

    /**
     * @param peer a new connection's peer
     * @return whether it is capped at accept (not a trusted proxy)
     */
    public boolean cappedAtAccept(InetAddress peer) {
        return !addresses.isTrustedProxy(peer);
    }

    /**
     * @param headTimeout {@code REQUEST_HEAD_TIMEOUT}
     * @return how long a head may take before it counts against its address's {@code MAX_PENDING_HEADS_PER_IP}:
     *     a second, or half the head time-out when that is shorter (so that a silent connection is counted before
     *     it is dropped)
     */
    public static Duration headOverdueAfter(Duration headTimeout) {
        Duration half = headTimeout.dividedBy(2);
        return half.compareTo(HEAD_OVERDUE_AFTER) < 0 ? half : HEAD_OVERDUE_AFTER;
    }

    /** @return connections one address may have with an overdue head, per listener */
    public int maxPendingHeads() {
        return maxPendingHeads;
    }

    /**
     * @param peer    the TCP peer
     * @param headers the request's headers ({@code X-Forwarded-For} from a trusted proxy)
     * @return the client address streams are counted by
     */
    public String client(SocketAddress peer, Headers headers) {
        return addresses.client(peer, AddressRateLimit.forwardedFor(headers));
    }

    /**
     * Takes a stream for an address.
     *
     * @param address the client address
     * @throws ApiException 429 when it already holds {@code MAX_STREAMS_PER_IP}; when it returns,
     *                      {@link #releaseStream} must follow when the stream ends
     */
    public void acquireStream(String address) {
        if (!streams.tryAcquire(address, maxStreams)) {
            throw tooManyStreams().error(); // a route's JSON error: only a refusal at accept says when to retry
        }
    }

    /** @param address a client address whose stream ended */
    public void releaseStream(String address) {
        streams.release(address);
    }

    /** @return the 429 for an address holding {@code MAX_PENDING_HEADS_PER_IP} overdue heads (counted) */
    public Refusal tooManyPending() {
        metrics.authRefused(TOO_MANY_PENDING);
        return new Refusal(
                Status.TOO_MANY_REQUESTS_429,
                TOO_MANY_PENDING,
                "this address already has " + maxPendingHeads
                        + " connections that have not sent their request head in time (MAX_PENDING_HEADS_PER_IP)",
                Map.of("retry_after_seconds", 1),
                RETRY_SOON);
    }

    /** @return the 429 for an address holding {@code MAX_STREAMS_PER_IP} streams (counted) */
    public Refusal tooManyStreams() {
        metrics.authRefused(TOO_MANY_STREAMS);
        return new Refusal(
                Status.TOO_MANY_REQUESTS_429,
                TOO_MANY_STREAMS,
                "this address already holds " + maxStreams + " streams on this replica (MAX_STREAMS_PER_IP)",
                Map.of(),
                RETRY_SOON);
    }
}
