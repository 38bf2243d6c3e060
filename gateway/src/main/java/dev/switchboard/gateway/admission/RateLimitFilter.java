package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.http.ApiException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.net.ClientAddresses;
import dev.switchboard.gateway.net.RateLimiter;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Limits the public listener's requests per client address ({@code RATE_LIMIT_PER_IP}): a request over
 * the limit gets 429 {@code RATE_LIMITED} with {@code Retry-After}, before any work is done for it.
 * Opening a stream counts as one request; the events it then receives do not.
 */
public final class RateLimitFilter implements Filter {
    /** The header a trusted proxy names the client in. */
    static final io.helidon.http.HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private final RateLimiter limiter;
    private final ClientAddresses addresses;
    private final GatewayMetrics metrics;
    private final String limit;

    /**
     * @param limiter   the buckets
     * @param addresses who the client is
     * @param metrics   counts refusals
     * @param limit     the limit in words, for the error
     */
    public RateLimitFilter(RateLimiter limiter, ClientAddresses addresses, GatewayMetrics metrics, String limit) {
        this.limiter = limiter;
        this.addresses = addresses;
        this.metrics = metrics;
        this.limit = limit;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long waitNanos = waitNanos(req.remotePeer().address(), req.headers());
        if (waitNanos == 0) {
            chain.proceed();
            return;
        }
        long seconds = retryAfterSeconds(waitNanos);
        res.header(HeaderNames.RETRY_AFTER, String.valueOf(seconds));
        Json.sendError(res, refusal(seconds));
    }

    /**
     * Takes one request from its address's budget.
     *
     * @param peer    the TCP peer
     * @param headers the request's headers ({@code X-Forwarded-For} from a trusted proxy)
     * @return 0 when it may pass, else how long until it could (the refusal is counted)
     */
    public long waitNanos(java.net.SocketAddress peer, io.helidon.http.Headers headers) {
        long waitNanos = limiter.acquire(addresses.client(peer, headers.first(FORWARDED_FOR)));
        if (waitNanos > 0) {
            metrics.rateLimited(false);
        }
        return waitNanos;
    }

    /**
     * @param waitNanos a wait from {@link #waitNanos}
     * @return whole seconds for {@code Retry-After}, at least 1
     */
    public static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
    }

    /**
     * @param seconds the {@code Retry-After}
     * @return the 429 answer
     */
    public ApiException refusal(long seconds) {
        return new ApiException(Status.TOO_MANY_REQUESTS_429, "RATE_LIMITED",
                "more than " + limit + " requests from this address; retry after " + seconds + " s",
                Map.of("retry_after_seconds", seconds));
    }
}
