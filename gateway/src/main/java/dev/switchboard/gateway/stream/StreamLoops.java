package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.admission.AddressLimits;
import dev.switchboard.gateway.admission.Admission;
import dev.switchboard.gateway.api.ClientStreamService;
import dev.switchboard.gateway.api.Invocations;
import dev.switchboard.gateway.api.Publications;
import dev.switchboard.gateway.auth.ProtectedResourceMetadata;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.mcp.McpEndpoint;
import dev.switchboard.gateway.mcp.McpNotifications;
import dev.switchboard.gateway.mcp.McpStreamOpener;
import dev.switchboard.gateway.trace.TracingFilter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The event loops ({@code STREAM_PORT}): a few event loops, each a {@link StreamListener} accepting from the
 * same port ({@code SO_REUSEPORT}, the kernel spreading new connections over them, as nginx's workers do).
 * A stream is written by the loop that accepted it, so an event fanned out to many streams is written by all
 * loops at once, one core each; the connection caps are the listener's, shared by its loops.
 */
public final class StreamLoops implements AutoCloseable {
    private final List<StreamListener> loops;
    private final IdleConnections idle;
    private final ExchangeThreads threads;

    private StreamLoops(List<StreamListener> loops, IdleConnections idle, ExchangeThreads threads) {
        this.loops = List.copyOf(loops);
        this.idle = idle;
        this.threads = threads;
    }

    /**
     * Binds the port and starts the loops.
     *
     * @param host      address to bind
     * @param port      port to bind (0: any free one, the same for every loop)
     * @param count     event loops (1 or more)
     * @param streams   opens and ends streams
     * @param mcp       opens MCP standalone streams
     * @param endpoint  serves the rest of {@code /mcp/{name}} (POST, DELETE, a POST stream's resume)
     * @param routes    serve the API routes besides streams and MCP
     * @param admission the admission pipeline (its budgets shared by every port)
     * @param settings  head timeout and connection caps (for the listener as a whole)
     * @param tracing   server spans of MCP POSTs and DELETEs
     * @return the running listener
     * @throws IOException when the port cannot be bound
     */
    public static StreamLoops start(
            String host,
            int port,
            int count,
            ClientStreamService streams,
            McpStreamOpener mcp,
            McpEndpoint endpoint,
            Routes routes,
            Admission admission,
            Settings settings,
            TracingFilter tracing)
            throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("at least one event loop, not " + count);
        }
        ListenerCaps caps =
                new ListenerCaps(settings.maxConnections(), settings.limits().maxPendingHeads());
        JsonAnswers answers = new JsonAnswers(streams.metrics());
        ApiRoutes api = new ApiRoutes(
                new InvokeExchange(routes.invocations(), routes.invokeCors(), answers),
                new PublishExchange(routes.publications(), routes.notifications(), answers),
                routes.resourceMetadata());
        List<StreamListener> started = new ArrayList<>(count);
        ExchangeThreads threads = ExchangeThreads.perCore();
        try {
            int bound = port;
            for (int i = 0; i < count; i++) {
                String name = count == 1 ? "switchboard-stream-listener" : "switchboard-stream-listener-" + i;
                StreamListener loop = StreamListener.start(
                        host, bound, count > 1, name, caps, streams, mcp, endpoint, api, admission, settings, tracing,
                        threads);
                started.add(loop);
                bound = loop.port();
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(StreamListener::close);
            threads.close();
            throw e;
        }
        return new StreamLoops(started, caps.idle(), threads);
    }

    /**
     * The services behind the API routes besides streams and MCP, shared with the public listener.
     *
     * @param invocations      serve {@code POST /invoke/{function}}
     * @param invokeCors       that route's CORS policy
     * @param publications     serve {@code POST /publish/{topic}}
     * @param notifications    serve {@code POST /publish/mcp/{server}}
     * @param resourceMetadata {@code GET /.well-known/oauth-protected-resource}, when JWTs are checked
     */
    public record Routes(
            Invocations invocations,
            CorsPolicy invokeCors,
            Publications publications,
            McpNotifications notifications,
            java.util.Optional<ProtectedResourceMetadata> resourceMetadata) {}

    /**
     * How the listener guards itself (its loops together).
     *
     * @param headTimeout    how long a connection may take to send its request head ({@code REQUEST_HEAD_TIMEOUT})
     * @param keepAlive      how long a kept-alive connection may stay silent between requests
     *                       ({@code KEEP_ALIVE_TIMEOUT})
     * @param maxConnections connections held at most, from the descriptor budget: beyond, the oldest silent
     *                       one is shed, or accepting waits
     * @param limits         the per-address caps
     */
    public record Settings(
            java.time.Duration headTimeout, java.time.Duration keepAlive, int maxConnections, AddressLimits limits) {}

    /** @return the bound port */
    public int port() {
        return loops.getFirst().port();
    }

    /** @return how many event loops run */
    public int loopCount() {
        return loops.size();
    }

    /** @return connections each loop holds now, in loop order */
    public List<Integer> connectionsPerLoop() {
        return loops.stream().map(StreamListener::held).toList();
    }

    /** @return kept-alive connections waiting for their next request now */
    public int idleConnections() {
        return idle.count();
    }

    /** @return connections served on platform threads now (the rest, on virtual threads) */
    public int onPlatformThreads() {
        return threads.onPlatformThreads();
    }

    /** @return kept-alive connections closed, while idle, to make room at the listener's cap */
    public long idleShed() {
        return idle.shed();
    }

    /** @return whether every loop still accepts connections */
    public boolean isAccepting() {
        return loops.stream().allMatch(StreamListener::isAccepting);
    }

    /** Stops accepting and closes every loop's connections. */
    @Override
    public void close() {
        loops.forEach(StreamListener::close);
        threads.close();
    }
}
