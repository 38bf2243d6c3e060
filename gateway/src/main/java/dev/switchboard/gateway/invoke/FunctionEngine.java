package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.invoke.http1.CallControl;
import dev.switchboard.gateway.invoke.http1.Http1Client;
import dev.switchboard.gateway.invoke.http1.Http1Request;
import dev.switchboard.gateway.invoke.http1.Http1Response;
import dev.switchboard.gateway.invoke.http1.RequestHeaders;
import dev.switchboard.gateway.trace.TraceHeaders;
import dev.switchboard.registry.settings.GatewaySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The one way the gateway calls functions: {@code /invoke}, the MCP relay (posts, backend streams, session
 * ends) and health probes all send through {@link #send}. One client, so one keep-alive connection pool per
 * function endpoint (scheme, host and port) shared by every caller; every connection resolves its host
 * through the {@link EgressPolicy} and connects to the address it checked. Calls run on the caller's
 * (virtual) thread: the whole call is bounded by the deadline of its {@link CallControl}, which every read of
 * the socket checks and waits no longer than; no second thread waits on the first, and no timer task is
 * scheduled per call.
 *
 * <p>The client is a lean HTTP/1.1 client of the gateway's own ({@link Http1Client}: blocking sockets on
 * virtual threads); see bench/notes.md, "Function-call engine: the client A/B", for the measurements that
 * chose it over Helidon's {@code WebClient} and the JDK {@code HttpClient}. TLS uses the JDK's default
 * trust (the {@code javax.net.ssl.trustStore} system properties) and verifies the host name. No proxy.
 */
public final class FunctionEngine implements FunctionSender, AutoCloseable {
    /** Why a call sent or running when the gateway stops fails. */
    public static final String STOPPING = "call interrupted (gateway stopping)";

    private final Http1Client client;
    /** The controls of the calls sent and not yet closed, so that a stop can abort them ({@link #stopCalls}). */
    private final Set<CallControl> running = ConcurrentHashMap.newKeySet();

    private volatile boolean stopping;

    /**
     * An engine with the catalogue's default connection bounds ({@code FUNCTION_CONNECT_TIMEOUT},
     * {@code FUNCTION_CONNECTIONS_KEPT}, {@code FUNCTION_IDLE_TIMEOUT}).
     *
     * @param egress where functions may be called: applied on every connect
     */
    public FunctionEngine(EgressPolicy egress) {
        this(
                egress,
                GatewaySettings.FUNCTION_CONNECT_TIMEOUT.defaultValue().orElseThrow(),
                GatewaySettings.FUNCTION_CONNECTIONS_KEPT.defaultValue().orElseThrow(),
                GatewaySettings.FUNCTION_IDLE_TIMEOUT.defaultValue().orElseThrow());
    }

    /**
     * @param egress          where functions may be called: applied on every connect
     * @param connectTimeout  bound of establishing a connection (within the call's deadline, whichever is shorter)
     * @param keptPerEndpoint idle connections kept per function endpoint; more calls at once open connections
     *                        that are then closed
     * @param idleTimeout     how long an idle connection is kept (a server may close it sooner: that is found
     *                        out before use)
     */
    public FunctionEngine(EgressPolicy egress, Duration connectTimeout, int keptPerEndpoint, Duration idleTimeout) {
        this(egress, defaultTls(), new Http1Client.Limits(connectTimeout, keptPerEndpoint, idleTimeout));
    }

    /**
     * @param egress where functions may be called
     * @param tls    the TLS context for {@code https} functions
     * @param limits the pool's bounds
     */
    FunctionEngine(EgressPolicy egress, SSLContext tls, Http1Client.Limits limits) {
        this.client = new Http1Client(egress::resolve, tls.getSocketFactory(), limits);
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * Sends one request and returns the answer's head; the caller reads the body as a stream and closes it.
     *
     * @param request what to send
     * @return the function's answer
     * @throws RuntimeException refused egress, unreachable function, failed exchange ({@link UncheckedIOException}
     *                          with the cause), timed-out read
     */
    @Override
    public FunctionResponse send(FunctionRequest request) {
        CallControl control = request.control();
        if (control != null) {
            running.add(control);
            if (stopping) {
                // sent after the stop aborted the calls running then: this one fails as they did
                control.stop();
            }
        } else if (stopping) {
            throw new UncheckedIOException(new IOException(STOPPING));
        }
        Http1Request out = new Http1Request(
                request.method(), request.uri(), headers(request), request.body(), request.readTimeout(), control);
        try {
            return new Answer(client.send(out), control, running);
        } catch (IOException e) {
            forget(running, control);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            forget(running, control);
            throw e;
        }
    }

    /** A call is over (answered, or failed before): nothing is left of it to stop. */
    private static void forget(Set<CallControl> running, CallControl control) {
        if (control != null) {
            running.remove(control);
        }
    }

    /**
     * The gateway stops and {@code SHUTDOWN_GRACE} ran out: every call still running is aborted ({@link
     * CallControl#stop()}), and so is any sent from now on, so that each caller answers its client that the call was
     * interrupted ({@link #STOPPING}) before the listeners close, rather than leave it without an answer.
     */
    public void stopCalls() {
        stopping = true;
        running.forEach(CallControl::stop);
    }

    /** @return idle connections held, every endpoint together */
    int idleConnections() {
        return client.idleConnections();
    }

    /** The client's answer behind the engine's type; its call stays stoppable until it is closed. */
    private record Answer(Http1Response response, CallControl control, Set<CallControl> running)
            implements FunctionResponse {
        @Override
        public int status() {
            return response.status();
        }

        @Override
        public Optional<String> header(String name) {
            return response.header(name);
        }

        @Override
        public OptionalLong length() {
            // the client parsed it to frame the body
            return response.length();
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            response.close();
            forget(running, control);
        }
    }

    /**
     * THE place where outgoing request headers are assembled, for every call to a function: the gateway's
     * defaults, then the registration's headers (which may replace a default), then the gateway's own headers
     * ({@code X-Request-ID}, {@code X-Client-ID}, identity, MCP session headers), which have the final word.
     * Headers that every call should carry (trace context propagation, for instance) belong here.
     */
    private static RequestHeaders headers(FunctionRequest request) {
        RequestHeaders out = new RequestHeaders();
        put(out, request.defaults());
        put(out, request.registrationHeaders());
        put(out, request.gatewayHeaders());
        // the current span's trace context, so the function's own spans join the caller's trace (none when
        // tracing is off or no request is being traced: health probes, for instance)
        TraceHeaders.addTo(out::set);
        if (request.body() != null && request.contentType() != null) {
            out.set("Content-Type", request.contentType());
        }
        return out;
    }

    private static void put(RequestHeaders out, Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (value != null) {
                out.set(name, value);
            }
        });
    }

    @Override
    public void close() {
        client.close();
    }
}
