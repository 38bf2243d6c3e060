package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The requests the scenarios send, built once per connection. */
final class Requests {
    static final String PROTOCOL = "2025-11-25";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private Requests() {}

    static byte[] directEcho(Http1 http) {
        return http.request("POST", "/", JSON, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gatewayInvoke(Http1 http) {
        return http.request("POST", "/invoke/echo", JSON, "{\"payload\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8));
    }

    static String toolsCall(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"test_simple_text\",\"arguments\":{}}}";
    }

    static Map<String, String> mcpHeaders(String session) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of(
                "Content-Type",
                "application/json",
                "Accept",
                "application/json, text/event-stream",
                "MCP-Protocol-Version",
                PROTOCOL));
        if (session != null) {
            headers.put("Mcp-Session-Id", session);
        }
        return headers;
    }

    /** Opens an MCP session through the gateway on this connection. */
    static String initialize(Http1 http, String path) throws IOException {
        Http1.Answer init = http.send(
                "POST",
                path,
                mcpHeaders(null),
                ("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                                + "\"initialize\",\"params\":{\"protocolVersion\":\"" + PROTOCOL
                                + "\",\"capabilities\":{},"
                                + "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}")
                        .getBytes(StandardCharsets.UTF_8));
        String session = init.headers().get("mcp-session-id");
        if (init.status() != 200 || session == null) {
            throw new IOException("initialize failed: " + init.status() + " " + init.text());
        }
        Http1.Answer initialized = http.send(
                "POST",
                path,
                mcpHeaders(session),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".getBytes(StandardCharsets.UTF_8));
        if (initialized.status() != 202) {
            throw new IOException("notifications/initialized answered " + initialized.status());
        }
        return session;
    }

    /** tools/call through the gateway, in a session opened on this connection. */
    static byte[] gatewayToolsCall(Http1 http) {
        try {
            String session = initialize(http, "/mcp/tools");
            return http.request(
                    "POST", "/mcp/tools", mcpHeaders(session), toolsCall(1).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * tools/call through the gateway from a client that accepts only SSE: the answer is a primed, logged stream even
     * when the function answers at once (a client that also takes JSON gets JSON then).
     */
    static byte[] gatewayToolsCallSse(Http1 http) {
        try {
            String session = initialize(http, "/mcp/tools");
            Map<String, String> headers = mcpHeaders(session);
            headers.put("Accept", "text/event-stream");
            return http.request("POST", "/mcp/tools", headers, toolsCall(1).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tools/call straight to the stateless function. */
    static byte[] directToolsCall(Http1 http) {
        return http.request("POST", "/mcp", mcpHeaders(null), toolsCall(1).getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON answer holding a tool result, not an error. */
    static boolean isToolResult(Http1.Answer a) {
        return a.status() == 200 && a.text().contains("\"result\"") && !a.text().contains("\"isError\":true");
    }
}
