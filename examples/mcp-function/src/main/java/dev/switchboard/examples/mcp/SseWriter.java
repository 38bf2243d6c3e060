package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one response stream as Server-Sent Events: each JSON-RPC message is a {@code data:} line and a blank
 * line, flushed at once. No event ids: 2026-07-28 has no resumption, and the gateway keeps its own log for
 * legacy clients.
 */
final class SseWriter implements AutoCloseable {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

    private final OutputStream out;

    private SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends 200 and the stream headers; the body is chunked from here on. */
    static SseWriter open(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        // reverse proxies such as nginx would otherwise hold the events back (streamable-http.mdx asks for it)
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        return new SseWriter(exchange.getResponseBody());
    }

    /** Compact JSON never contains a newline, so one {@code data:} line holds the whole message. */
    void event(JsonNode message) throws IOException {
        out.write(PREFIX);
        out.write(Json.bytes(message));
        out.write(END);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
