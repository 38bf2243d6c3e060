package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP side of {@code POST /} and {@code POST /mcp}: one JSON-RPC message per POST (or a 2025-03-26 batch),
 * answered with JSON, or with an SSE stream when the request produces notifications and the client accepts one.
 * No session id is ever issued, and Origin is not checked: the function sits behind the gateway, which does both.
 */
final class McpEndpoint implements HttpHandler {

    /** The largest request body accepted; larger ones get 413. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(McpEndpoint.class.getName());

    private final McpDispatcher dispatcher;

    McpEndpoint(McpDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                // 2026-07-28: no GET stream, no DELETE (no sessions); legacy clients must be told the same
                exchange.getResponseHeaders().set("Allow", "POST");
                ResponseChannel.sendJson(
                        exchange,
                        405,
                        JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Method not allowed; POST JSON-RPC here", null));
                return;
            }
            post(exchange);
        }
    }

    private void post(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            exchange.getResponseHeaders().set("Connection", "close"); // the rest of the body was not read
            ResponseChannel.sendJson(
                    exchange,
                    413,
                    JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Request body larger than 1 MiB", null));
            return;
        }
        JsonNode message;
        try {
            message = Json.parse(body);
        } catch (IOException e) {
            message = null;
        }
        if (message == null || message.isMissingNode()) {
            ResponseChannel.sendJson(exchange, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error", null));
            return;
        }
        ResponseChannel channel = new ResponseChannel(exchange, acceptsEventStream(exchange));
        try {
            if (message.isArray()) {
                batch(exchange, (ArrayNode) message);
            } else {
                single(exchange, message, channel);
            }
        } catch (UncheckedIOException e) {
            // the client closed the stream: over HTTP that cancels the request, so there is nobody to answer
            LOG.log(Level.DEBUG, "client went away: {0}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // not expected: the dispatcher answers its own failures with the request's id
            LOG.log(Level.ERROR, "request failed", e);
            channel.finish(500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error", null));
        }
    }

    private void single(HttpExchange exchange, JsonNode message, ResponseChannel channel)
            throws IOException, InterruptedException {
        McpDispatcher.Reply reply = dispatcher.process(message, exchange.getRequestHeaders(), channel);
        if (reply == null) {
            channel.accepted();
        } else {
            channel.finish(reply.status(), reply.body());
        }
    }

    /**
     * A JSON-RPC batch, which only 2025-03-26 allows: each message is processed in order, without streaming (a
     * batch answers with one JSON array), and the replies come back as an array; 202 if none needs one.
     */
    private void batch(HttpExchange exchange, ArrayNode messages) throws IOException, InterruptedException {
        if (messages.isEmpty()) {
            ResponseChannel.sendJson(exchange, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Empty batch", null));
            return;
        }
        ArrayNode replies = Json.array();
        for (JsonNode message : messages) {
            if ("initialize".equals(Json.text(message, "method", null))) {
                // 2025-03-26 lifecycle: initialize MUST NOT be part of a batch
                replies.add(JsonRpc.error(
                        message.get("id"), JsonRpc.INVALID_REQUEST, "initialize must not be batched", null));
                continue;
            }
            McpDispatcher.Reply reply = dispatcher.process(message, exchange.getRequestHeaders(), Notifier.NONE);
            if (reply != null) {
                replies.add(reply.body());
            }
        }
        if (replies.isEmpty()) {
            exchange.sendResponseHeaders(202, -1);
        } else {
            ResponseChannel.sendJson(exchange, 200, replies);
        }
    }

    /** Streams only for clients that list {@code text/event-stream}; everyone else gets JSON and no notifications. */
    static boolean acceptsEventStream(HttpExchange exchange) {
        for (String accept : exchange.getRequestHeaders().getOrDefault("Accept", List.of())) {
            if (accept.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
                return true;
            }
        }
        return false;
    }
}
