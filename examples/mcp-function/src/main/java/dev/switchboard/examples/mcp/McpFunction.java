package dev.switchboard.examples.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Executors;

/**
 * A stateless MCP server for Switchboard to front: the conformance suite's tools, resources and prompts over
 * Streamable HTTP, keeping nothing between POSTs. Sampling, elicitation and roots are asked for the 2026-07-28
 * way (multi round-trip requests, state sealed with HMAC), so any replica can serve any retry; the gateway
 * bridges them for legacy clients.
 *
 * <p>Routes: {@code POST /} and {@code POST /mcp} (MCP), {@code GET /healthz}; anything else 404 or 405.
 *
 * <p>Environment: {@code PORT} (default 8082), {@code HOST} (default {@code 0.0.0.0}, so that the gateway reaches it
 * over a container network; use {@code 127.0.0.1} on a workstation) and {@code STATE_SECRET}, the HMAC key for
 * {@code requestState}. Without it a random key is made per process, and state does not survive a restart or
 * cross replicas: set the same secret on every replica.
 */
public final class McpFunction {

    private static final System.Logger LOG = System.getLogger(McpFunction.class.getName());
    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] METHOD_NOT_ALLOWED =
            "{\"error\":\"method not allowed\"}".getBytes(StandardCharsets.UTF_8);

    private McpFunction() {}

    public static void main(String[] args) throws IOException {
        String host = env("HOST", "0.0.0.0");
        int port = Integer.parseInt(env("PORT", "8082"));
        HttpServer server = start(host, port, signerFromEnvironment(), Clock.systemUTC(), Pusher.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1), "mcp-shutdown"));
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        System.out.println("MCP function listening on http://" + shownHost + ":"
                + server.getAddress().getPort() + "/mcp");
    }

    /** Binds and starts the function. Port 0 picks a free port; read it back from {@link HttpServer#getAddress()}. */
    public static HttpServer start(String host, int port, byte[] stateSecret) throws IOException {
        return start(host, port, new RequestStateSigner(stateSecret));
    }

    /**
     * As {@link #start(String, int, byte[])}, telling its clients of changes through the gateway's push route.
     *
     * @param pusher where {@code toggle_extra_tool} and {@code bump_counter} push their notifications
     */
    public static HttpServer start(String host, int port, byte[] stateSecret, Pusher pusher) throws IOException {
        return start(host, port, new RequestStateSigner(stateSecret), Clock.systemUTC(), pusher);
    }

    static HttpServer start(String host, int port, RequestStateSigner signer) throws IOException {
        return start(host, port, signer, Clock.systemUTC());
    }

    static HttpServer start(String host, int port, RequestStateSigner signer, Clock clock) throws IOException {
        return start(host, port, signer, clock, Pusher.NONE);
    }

    static HttpServer start(String host, int port, RequestStateSigner signer, Clock clock, Pusher pusher)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        // a tool may sleep between notifications; a virtual thread per request makes that free
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        McpEndpoint mcp = new McpEndpoint(new McpDispatcher(signer, clock, pusher));
        server.createContext("/", exchange -> route(exchange, mcp));
        server.start();
        return server;
    }

    private static void route(HttpExchange exchange, McpEndpoint mcp) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/") || path.equals("/mcp")) {
            mcp.handle(exchange);
            return;
        }
        try (exchange) {
            if (!path.equals("/healthz")) {
                send(exchange, 404, NOT_FOUND);
            } else if (exchange.getRequestMethod().equals("GET")) {
                send(exchange, 200, HEALTHY);
            } else {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, METHOD_NOT_ALLOWED);
            }
        }
    }

    private static RequestStateSigner signerFromEnvironment() {
        String secret = System.getenv("STATE_SECRET");
        if (secret == null || secret.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "STATE_SECRET is not set: requestState is signed with a random key, so it will "
                            + "not verify after a restart or on another replica. Set the same STATE_SECRET everywhere.");
            return RequestStateSigner.withRandomKey();
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            LOG.log(Level.WARNING, "STATE_SECRET is shorter than 32 bytes; use a longer random value.");
        }
        return new RequestStateSigner(key);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
