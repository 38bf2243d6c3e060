package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.net.ClientAddresses;
import dev.switchboard.gateway.net.RateLimiter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.net.SocketAddress;
import java.util.Map;

/**
 * The per-address step of {@link Admission} ({@code RATE_LIMIT_PER_IP}): a request over the limit is
 * refused with 429 {@code RATE_LIMITED} and {@code Retry-After}, before any work is done for it. Opening
 * a stream counts as one request; the events it then receives do not.
 */
public final class AddressRateLimit {
    /** The header a trusted proxy names the client in. */
    static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");

    /** @return every {@code X-Forwarded-For} line of the request, in order (none: empty) */
    static java.util.List<String> forwardedFor(Headers headers) {
        return headers.all(FORWARDED_FOR, java.util.List::of);
    }

    private final RateLimiter limiter;
    private final ClientAddresses addresses;
    private final String limit;

    /**
     * @param limiter   the buckets
     * @param addresses who the client is
     * @param limit     the limit in words, for the error
     */
    public AddressRateLimit(RateLimiter limiter, ClientAddresses addresses, String limit) {
        this.limiter = limiter;
        this.addresses = addresses;
        this.limit = limit;
    }

    /**
     * Takes one request from its address's budget.
     *
     * @param peer    the TCP peer
     * @param headers the request's headers ({@code X-Forwarded-For} from a trusted proxy)
     * @return 0 when it may pass, else how long until it could
     */
    long waitNanos(SocketAddress peer, Headers headers) {
        return limiter.acquire(addresses.client(peer, forwardedFor(headers)));
    }

    /**
     * @param seconds the {@code Retry-After}
     * @return the 429 refusal
     */
    Refusal refusal(long seconds) {
        return new Refusal(
                Status.TOO_MANY_REQUESTS_429,
                "RATE_LIMITED",
                "more than " + limit + " requests from this address; retry after " + seconds + " s",
                Map.of("retry_after_seconds", seconds),
                Map.of("Retry-After", String.valueOf(seconds)));
    }
}
