package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.cors.CorsPolicy;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.sse.CloseReason;
import dev.switchboard.gateway.sse.SseStream;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * MCP streams for the event loops' loop, which holds an idle stream for a fraction of what Helidon's thread
 * per connection costs: standalone streams ({@code GET /mcp/{name}} with {@code Mcp-Session-Id}) and HTTP+SSE
 * sessions' streams ({@code GET /mcp/{name}/sse}). The checks, the stream quotas and the backend stream watch are
 * {@link StreamableHttpTransport}'s and {@link LegacySseTransport}'s own; this class only hands their result over
 * without Helidon's request and response.
 */
public final class McpStreamOpener {
    private final StreamableHttpTransport transport;
    private final LegacySseTransport legacy;
    private final CorsPolicy cors;

    McpStreamOpener(StreamableHttpTransport transport, LegacySseTransport legacy, List<String> allowedOrigins) {
        this.transport = transport;
        this.legacy = legacy;
        this.cors = CorsPolicy.forMcp(allowedOrigins);
    }

    /**
     * A standalone stream held for the loop.
     *
     * @param stream  the stream, admitted to this replica's hub
     * @param start   the body's first bytes (priming, or the replay after {@code Last-Event-ID})
     * @param headers the response's CORS headers
     * @param held    ends it: {@link Opened#finish}
     */
    public record Opened(SseStream stream, byte[] start, Map<String, String> headers, Consumer<CloseReason> held) {
        /** Ends the stream (calls the store: not on the loop). */
        public void finish(CloseReason reason) {
            held.accept(reason);
        }
    }

    /**
     * Which requests on the MCP routes the loop holds itself: a standalone stream's GET (fresh or resumed), an
     * HTTP+SSE session's GET, and a CORS preflight. The rest (POST, DELETE, a POST stream's resume, a method a
     * route refuses) is served by {@link McpEndpoint} on a thread of its own.
     *
     * @param route   the request's route
     * @param method  the request's method
     * @param headers its headers
     * @return whether it is one the loop holds
     */
    public static boolean heldOnTheLoop(McpRoute route, String method, Headers headers) {
        if (CorsPolicy.isPreflight(method, headers)) {
            return true;
        }
        return switch (route.kind()) {
            // a POST stream's event ids are <streamId>/<logId>; the standalone stream's are plain log ids
            case ENDPOINT ->
                method.equals("GET")
                        && !headers.first(LastEventId.HEADER).orElse("").contains("/");
            case SSE -> method.equals("GET");
            case MESSAGES -> false;
        };
    }

    /**
     * Opens a session's standalone stream, or resumes it after {@code Last-Event-ID}.
     *
     * @param name     the MCP server's name
     * @param headers  the GET's headers
     * @param identity who asks (already authenticated)
     * @return the held stream; {@link Opened#finish} it
     * @throws McpException the documented refusals of {@code GET /mcp/{name}}
     */
    public Opened open(String name, Headers headers, Identity identity) {
        StreamableHttpTransport.LoopStandalone held = transport.openStandalone(name, headers, identity);
        return new Opened(
                held.stream(), held.takeStart(), cors.response(headers.first(HeaderNames.ORIGIN)), held::finish);
    }

    /**
     * Opens an HTTP+SSE session and its stream: the session ends when the stream does ({@link Opened#finish}).
     *
     * @param name     the MCP server's name
     * @param headers  the GET's headers
     * @param identity who asks (already authenticated)
     * @return the held stream, its first bytes the {@code endpoint} event
     * @throws McpException the documented refusals of {@code GET /mcp/{name}/sse}
     */
    public Opened openLegacy(String name, Headers headers, Identity identity) {
        LegacySseTransport.Held held = legacy.open(name, headers, identity);
        return new Opened(
                held.stream(), held.endpointEvent(), cors.response(headers.first(HeaderNames.ORIGIN)), held::finish);
    }

    /** @return the headers answering a preflight on an MCP route */
    public Map<String, String> preflightHeaders(Headers headers) {
        return cors.preflight(
                headers.first(HeaderNames.ORIGIN), headers.first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS));
    }

    /** @return the CORS headers of any answer on an MCP route (refusals too, so a page can read them) */
    public Map<String, String> corsHeaders(Headers headers) {
        return cors.response(headers.first(HeaderNames.ORIGIN));
    }

    /**
     * @param error a refusal
     * @return its status and its JSON-RPC error body's MCP routes (no id: a GET
     *         carries no request)
     */
    public static Refused refusal(RuntimeException error) {
        return switch (error) {
            case McpException e -> new Refused(e.status(), body(e.code(), e.getMessage()));
            case ApiException e -> new Refused(e.status(), body(JsonRpc.GATEWAY_ERROR, e.getMessage()));
            default -> throw error;
        };
    }

    private static byte[] body(int code, String message) {
        return Json.write(JsonRpc.error(null, code, message)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param status the HTTP status
     * @param body   the JSON-RPC error
     */
    public record Refused(Status status, byte[] body) {}
}
