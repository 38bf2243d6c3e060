package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A bare MCP client over real HTTP: posts one JSON-RPC message and reads the answer as JSON or as SSE, noting when
 * each SSE event arrived so that tests can tell a stream from a buffered reply.
 */
final class McpTestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String BOTH = "application/json, text/event-stream";

    /** An SSE event's message and the time it was read, relative to the request being sent. */
    record Event(JsonNode message, long atMillis) {}

    record Response(int status, HttpHeaders headers, String body, List<Event> events) {

        boolean isStream() {
            return headers.firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        }

        /** The JSON-RPC response: the last SSE event, or the JSON body. */
        JsonNode message() {
            if (isStream()) {
                return events.getLast().message();
            }
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        JsonNode result() {
            JsonNode message = message();
            if (!message.has("result")) {
                throw new AssertionError("expected a result, got " + message);
            }
            return message.get("result");
        }

        JsonNode error() {
            JsonNode message = message();
            if (!message.has("error")) {
                throw new AssertionError("expected an error, got " + message);
            }
            return message.get("error");
        }

        List<Event> notifications(String method) {
            return events.stream()
                    .filter(e -> method.equals(e.message().path("method").asText()))
                    .toList();
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final AtomicInteger ids = new AtomicInteger();

    McpTestClient(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** A request with a fresh id; {@code params} may be null. */
    Response request(String method, ObjectNode params) {
        return request(method, params, Map.of("Accept", BOTH));
    }

    Response request(String method, ObjectNode params, Map<String, String> headers) {
        ObjectNode message = MAPPER.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", ids.incrementAndGet())
                .put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        return post(message.toString(), headers);
    }

    /** A 2026-07-28 request: the per-request {@code _meta} and the standard headers. */
    Response modern(String method, ObjectNode params, ObjectNode capabilities) {
        ObjectNode withMeta = params == null ? MAPPER.createObjectNode() : params.deepCopy();
        ObjectNode meta = withMeta.has("_meta") ? (ObjectNode) withMeta.get("_meta") : withMeta.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "test").put("version", "1");
        if (!meta.has("io.modelcontextprotocol/clientCapabilities")) {
            meta.set("io.modelcontextprotocol/clientCapabilities", capabilities);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", BOTH);
        headers.put("MCP-Protocol-Version", "2026-07-28");
        headers.put("Mcp-Method", method);
        if (withMeta.path("name").isTextual()) {
            headers.put("Mcp-Name", withMeta.get("name").asText());
        } else if (withMeta.path("uri").isTextual()) {
            headers.put("Mcp-Name", withMeta.get("uri").asText());
        }
        return request(method, withMeta, headers);
    }

    Response post(String body, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        long start = System.nanoTime();
        try {
            HttpResponse<Stream<String>> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofLines());
            List<String> lines = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            StringBuilder data = new StringBuilder();
            // read line by line as the bytes arrive: each event is stamped when its blank line is read
            try (Stream<String> stream = response.body()) {
                stream.forEachOrdered(line -> {
                    lines.add(line);
                    if (line.startsWith("data:")) {
                        data.append(line.substring(5).stripLeading());
                    } else if (line.isEmpty() && !data.isEmpty()) {
                        events.add(new Event(parse(data.toString()), (System.nanoTime() - start) / 1_000_000));
                        data.setLength(0);
                    }
                });
            }
            return new Response(response.statusCode(), response.headers(), String.join("\n", lines), events);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("SSE data is not JSON: " + text, e);
        }
    }
}
