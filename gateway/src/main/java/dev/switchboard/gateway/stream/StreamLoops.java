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
 * One port of the public listener ({@code PORT}, or {@code STREAM_PORT}): a few event loops, each a
 * {@link StreamListener} accepting from the same port ({@code SO_REUSEPORT}, the kernel spreading new connections
 * over them, as nginx's workers do). A stream is written by the loop that accepted it, so an event fanned out to
 * many streams is written by all loops at once, one core each; the connection caps are the listener's, shared by
 * the loops of every port ({@link Shared}).
 */
public final class StreamLoops implements AutoCloseable {
    private final List<StreamListener> loops;
    private final Shared shared;

    private StreamLoops(List<StreamListener> loops, Shared shared) {
        this.loops = List.copyOf(loops);
        this.shared = shared;
    }

    /**
     * What the loops of every port of one listener share: the connection caps (so the descriptor budget, the heads
     * pending per address and the idle connections shed at the cap are the listener's, whichever port a client
     * uses) and the threads that serve handed-off connections (one platform thread per core for the listener).
     * Closed by its owner once every port's loops are.
     */
    public static final class Shared implements AutoCloseable {
        private final ListenerCaps caps;
        private final ExchangeThreads threads;

        private Shared(ListenerCaps caps, ExchangeThreads threads) {
            this.caps = caps;
            this.threads = threads;
        }

        /**
         * @param maxConnections connections held at most over every port, from the descriptor budget: beyond, the
         *                       oldest silent one is shed, or accepting waits
         * @param limits         the per-address caps
         * @return the listener's shared part
         */
        public static Shared of(int maxConnections, AddressLimits limits) {
            return new Shared(new ListenerCaps(maxConnections, limits.maxPendingHeads()), ExchangeThreads.perCore());
        }

        /** @return kept-alive connections waiting for their next request now, over every port */
        public int idleConnections() {
            return caps.idle().count();
        }

        /** @return connections served on platform threads now (the rest, on virtual threads) */
        public int onPlatformThreads() {
            return threads.onPlatformThreads();
        }

        /** @return kept-alive connections closed, while idle, to make room at the listener's cap */
        public long idleShed() {
            return caps.idle().shed();
        }

        @Override
        public void close() {
            threads.close();
        }
    }

    /**
     * Binds the port and starts the loops.
     *
     * @param host      address to bind
     * @param port      port to bind (0: any free one, the same for every loop)
     * @param count     event loops (1 or more)
     * @param shared    the caps and threads of the listener, shared with its other ports
     * @param streams   opens and ends streams
     * @param mcp       opens MCP standalone streams
     * @param endpoint  serves the rest of {@code /mcp/{name}} (POST, DELETE, a POST stream's resume)
     * @param routes    serve the API routes besides streams and MCP
     * @param admission the admission pipeline (its budgets shared by every port)
     * @param settings  head and keep-alive time-outs, per-address caps
     * @param tracing   server spans of MCP POSTs and DELETEs
     * @return the running listener
     * @throws IOException when the port cannot be bound
     */
    public static StreamLoops start(
            String host,
            int port,
            int count,
            Shared shared,
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
        JsonAnswers answers = new JsonAnswers(streams.metrics());
        ApiRoutes api = new ApiRoutes(
                new InvokeExchange(routes.invocations(), routes.invokeCors(), answers),
                new PublishExchange(routes.publications(), routes.notifications(), answers),
                routes.resourceMetadata());
        LoopParts parts =
                new LoopParts(shared.caps, streams, mcp, endpoint, api, admission, settings, tracing, shared.threads);
        List<StreamListener> started = new ArrayList<>(count);
        try {
            int bound = port;
            for (int i = 0; i < count; i++) {
                StreamListener loop = StreamListener.start(
                        host,
                        bound,
                        count > 1,
                        count == 1 ? "switchboard-stream-listener-%d" : "switchboard-stream-listener-%d-" + i,
                        parts);
                started.add(loop);
                bound = loop.port();
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(StreamListener::close);
            throw e;
        }
        return new StreamLoops(started, shared);
    }

    /**
     * The services behind the API routes besides streams and MCP, shared by every port.
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
     * @param headTimeout how long a connection may take to send its request head ({@code REQUEST_HEAD_TIMEOUT})
     * @param keepAlive   how long a kept-alive connection may stay silent between requests ({@code KEEP_ALIVE_TIMEOUT})
     * @param limits      the per-address caps
     */
    public record Settings(java.time.Duration headTimeout, java.time.Duration keepAlive, AddressLimits limits) {}

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

    /** @return connections served on platform threads now, over every port of the listener */
    public int onPlatformThreads() {
        return shared.onPlatformThreads();
    }

    /** @return whether every loop still accepts connections */
    public boolean isAccepting() {
        return loops.stream().allMatch(StreamListener::isAccepting);
    }

    /** Stops accepting on this port and closes its loops' connections (the shared part stays its owner's). */
    @Override
    public void close() {
        loops.forEach(StreamListener::close);
    }
}
