package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.trace.TraceHeaders;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way the gateway calls functions: {@code /invoke}, the MCP relay (posts, backend streams, session
 * ends) and health probes all send through {@link #send}. One client, so one keep-alive connection pool per
 * function endpoint (host and port) shared by every caller; every connection resolves its host through the
 * {@link EgressPolicy} and connects to the address it checked. Calls run on the caller's (virtual) thread:
 * the whole call is bounded by a {@link CallDeadline}, not by a second thread waiting on the first.
 *
 * <p>The client is Helidon's {@code WebClient}, tuned (see bench/notes.md, "Function-call engine: the
 * client A/B", for the measurements that chose it over the JDK {@code HttpClient}).
 */
public final class FunctionEngine implements FunctionSender, AutoCloseable {
    /** Bound of establishing a connection (within the call's deadline, whichever is shorter). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Idle connections kept per function endpoint; more calls at once open connections that are then closed. */
    static final int CONNECTIONS_KEPT_PER_ENDPOINT = 256;

    private final WebClient client;

    /** @param egress where functions may be called: applied on every connect */
    public FunctionEngine(EgressPolicy egress) {
        this.client = WebClient.builder()
                .dnsResolver(egress.resolver())
                .connectTimeout(CONNECT_TIMEOUT)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .tcpNoDelay(true)
                        .build())
                .followRedirects(false)
                // per call, a system proxy lookup, protocol discovery and service discovery cost CPU and
                // buy nothing here: functions speak HTTP/1.1, directly
                .proxy(Proxy.noProxy())
                .protocolPreference(List.of("http/1.1"))
                .servicesDiscoverServices(false)
                // this client's own pool, closed with it, not the JVM-wide one other clients may share
                .shareConnectionCache(false)
                .connectionCacheSize(CONNECTIONS_KEPT_PER_ENDPOINT)
                .build();
    }

    /**
     * Sends one request and returns the answer's head; the caller reads the body as a stream and closes it.
     *
     * @param request what to send
     * @return the function's answer
     * @throws RuntimeException what the client throws (refused egress, unreachable, timed-out read)
     */
    @Override
    public FunctionResponse send(FunctionRequest request) {
        HttpClientRequest out = client.method(Method.create(request.method()))
                .uri(request.uri())
                .readTimeout(request.readTimeout());
        headers(out, request);
        return new HelidonResponse(request.body() == null ? out.request() : out.submit(request.body()));
    }

    /** Helidon's answer behind the engine's type. */
    private record HelidonResponse(HttpClientResponse response) implements FunctionResponse {
        @Override
        public int status() {
            return response.status().code();
        }

        @Override
        public Optional<String> header(String name) {
            return response.headers().first(HeaderNames.create(name));
        }

        @Override
        public InputStream body() {
            return response.entity().inputStream();
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /**
     * THE place where outgoing request headers are assembled, for every call to a function: the gateway's
     * defaults, then the registration's headers (which may replace a default), then the gateway's own headers
     * ({@code X-Request-ID}, {@code X-Client-ID}, identity, MCP session headers), which have the final word.
     * Headers that every call should carry (trace context propagation, for instance) belong here.
     */
    private static void headers(HttpClientRequest out, FunctionRequest request) {
        put(out, request.defaults());
        put(out, request.registrationHeaders());
        put(out, request.gatewayHeaders());
        // the current span's trace context, so the function's own spans join the caller's trace (none when
        // tracing is off or no request is being traced: health probes, for instance)
        TraceHeaders.addTo((name, value) -> out.header(HeaderNames.create(name), value));
        if (request.body() != null && request.contentType() != null) {
            out.header(HeaderNames.CONTENT_TYPE, request.contentType());
        }
    }

    private static void put(HttpClientRequest out, Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (value != null) {
                out.header(HeaderNames.create(name), value);
            }
        });
    }

    @Override
    public void close() {
        client.closeResource();
    }
}
