package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.net.RateLimitedLog;
import dev.switchboard.registry.StoreUnavailableException;
import io.helidon.http.Status;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The MCP routes ({@link McpRoute}) over an {@link McpExchange}: the Streamable HTTP endpoint {@code /mcp/{name}}
 * (POST, GET, DELETE) and the HTTP+SSE transport's {@code /mcp/{name}/sse} (GET) and {@code /mcp/{name}/messages}
 * (POST), so that the public listener and the event loops serve them through the same checks, answers and
 * refusals. Every refusal is a JSON-RPC error with the right HTTP status (a method the route does not serve: 405
 * with {@code Allow}); it answers the request the body carried, by its id, once the body was read; before that
 * (or for a notification, a response or a batch) it has no id, never {@code id: null}.
 */
public final class McpEndpoint {
    private static final Logger LOGGER = Logger.getLogger(McpEndpoint.class.getName());
    /** Every MCP request met by a store outage fails alike: one line per interval, not per request. */
    private static final RateLimitedLog STORE_FAILURES = ErrorHandling.storeFailures(LOGGER);
    /** What {@code /mcp/{name}} serves: a 405 there says so. */
    static final String ENDPOINT_METHODS = "GET, POST, DELETE";

    private final StreamableHttpTransport transport;
    private final LegacySseTransport legacy;

    McpEndpoint(StreamableHttpTransport transport, LegacySseTransport legacy) {
        this.transport = transport;
        this.legacy = legacy;
    }

    /**
     * Serves one exchange to its end (a streamed answer included), on the caller's thread.
     *
     * @param exchange a request on {@code /mcp/{name}}, already admitted
     * @throws IOException when the client went away in a way the answer could not absorb
     */
    public void serve(McpExchange exchange) throws IOException {
        serve(McpRoute.Kind.ENDPOINT, exchange);
    }

    /**
     * Serves one exchange on one of the MCP routes to its end (a streamed answer included), on the caller's thread.
     *
     * @param route    which MCP route the request's path is
     * @param exchange the request, already admitted
     * @throws IOException when the client went away in a way the answer could not absorb
     */
    public void serve(McpRoute.Kind route, McpExchange exchange) throws IOException {
        guarded(exchange, () -> {
            switch (route) {
                case ENDPOINT -> {
                    switch (exchange.method()) {
                        case "POST" -> transport.post(exchange);
                        case "GET" -> transport.get(exchange);
                        case "DELETE" -> transport.delete(exchange);
                        default -> notAllowed(exchange, ENDPOINT_METHODS);
                    }
                }
                case SSE -> {
                    if (!exchange.method().equals("GET")) {
                        notAllowed(exchange, "GET");
                    }
                    // the listener's event loop holds these streams (McpStreamOpener.heldOnTheLoop)
                    throw new IllegalStateException("GET /mcp/{name}/sse reached the endpoint, not the event loop");
                }
                case MESSAGES -> {
                    if (!exchange.method().equals("POST")) {
                        notAllowed(exchange, "POST");
                    }
                    legacy.message(exchange);
                }
            }
        });
    }

    private static void notAllowed(McpExchange exchange, String allow) {
        throw McpException.methodNotAllowed(allow, exchange.method() + " is not allowed here");
    }

    /** Work on an exchange. */
    interface Work {
        void run() throws IOException;
    }

    /** Runs the work; a refusal it throws becomes its JSON-RPC error answer, unless the answer has begun. */
    static void guarded(McpExchange exchange, Work work) throws IOException {
        try {
            work.run();
        } catch (McpException e) {
            refuse(exchange, e);
        } catch (ApiException e) {
            refuse(exchange, e.status(), JsonRpc.GATEWAY_ERROR, e.getMessage());
        } catch (StoreUnavailableException e) {
            STORE_FAILURES.log(e);
            ApiException unavailable = ErrorHandling.storeRefusal(e);
            refuse(exchange, unavailable.status(), JsonRpc.GATEWAY_ERROR, unavailable.getMessage());
        }
    }

    /**
     * Answers a refusal made before the endpoint ran (the event loops' admission), as the endpoint answers
     * its own: a JSON-RPC error with the refusal's status.
     *
     * @param exchange the refused exchange
     * @param error    an {@link ApiException} or {@link McpException}
     */
    public static void refuse(McpExchange exchange, RuntimeException error) {
        switch (error) {
            case McpException e -> refuse(exchange, e);
            case ApiException e -> refuse(exchange, e.status(), JsonRpc.GATEWAY_ERROR, e.getMessage());
            default -> throw error;
        }
    }

    private static void refuse(McpExchange exchange, McpException e) {
        if (!exchange.isSent()) {
            e.allow().ifPresent(allow -> exchange.header("Allow", allow));
        }
        refuse(exchange, e.status(), e.code(), e.getMessage());
    }

    private static void refuse(McpExchange exchange, Status status, int code, String message) {
        if (!exchange.isSent()) {
            exchange.sendJson(status, JsonRpc.error(exchange.requestId(), code, message));
        }
    }
}
