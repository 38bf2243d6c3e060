package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The HTTP response of one POST. It stays plain JSON unless the request produces a notification and the client
 * accepts {@code text/event-stream}; then it turns into an SSE stream whose last event is the JSON-RPC response.
 * Deciding late keeps every quiet request a simple {@code application/json} answer.
 */
final class ResponseChannel implements Notifier {

    private final HttpExchange exchange;
    private final boolean streamAllowed;
    private SseWriter stream;

    ResponseChannel(HttpExchange exchange, boolean streamAllowed) {
        this.exchange = exchange;
        this.streamAllowed = streamAllowed;
    }

    @Override
    public void send(ObjectNode notification) {
        if (!streamAllowed) {
            return;
        }
        try {
            if (stream == null) {
                stream = SseWriter.open(exchange);
            }
            stream.event(notification);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean streaming() {
        return stream != null;
    }

    /** The response: the last SSE event if a stream is open (its status is then already 200), else JSON. */
    void finish(int status, JsonNode response) throws IOException {
        if (stream != null) {
            try (SseWriter open = stream) {
                open.event(response);
            }
            return;
        }
        sendJson(exchange, status, response);
    }

    /** A notification or a JSON-RPC response was received: nothing to answer. */
    void accepted() throws IOException {
        exchange.sendResponseHeaders(202, -1);
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
