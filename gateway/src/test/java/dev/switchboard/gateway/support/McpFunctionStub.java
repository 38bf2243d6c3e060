package dev.switchboard.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small MCP server over real HTTP for gateway tests: stateless by default (no session id), stateful on
 * request (issues {@code Mcp-Session-Id: backend-session-1}). Tools: {@code echo} (JSON answer),
 * {@code progress} (SSE: two progress notifications, then the result), {@code steps} (SSE: four progress
 * notifications 150 ms apart, then the result), {@code quiet} (JSON after 800 ms), {@code slow} (answers after 5 s),
 * {@code fail} (HTTP 500), {@code ask} (a 2026-07-28 {@code input_required} result), {@code ask-with} (answers the
 * {@code input_required} result passed as its argument {@code first}, then what its retry carried), {@code formatted}
 * (a JSON answer as a server might format it) and {@code trailing} (the same, followed by a second JSON value). It records every
 * message and its headers.
 */
public final class McpFunctionStub implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A message the stub received. */
    public record Received(String httpMethod, JsonNode message, Headers headers) {}

    /** How the stub behaves. */
    public enum Mode {
        /** No session id; answers initialize (a pre-2026 server run statelessly). */
        STATELESS,
        /** Issues its own session id at initialize. */
        STATEFUL,
        /** Speaks only 2026-07-28: no initialize, server/discover instead, _meta on every request. */
        MODERN
    }

    private final HttpServer server;
    private final Mode mode;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, CompletableFuture<JsonNode>> pendingAnswers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** When set, a GET (the standalone stream) is served by it; else 204 when stateful, 405 when not. */
    private volatile com.sun.net.httpserver.HttpHandler standaloneStream;

    /**
     * From now on GETs, the function's standalone stream, are served by this handler.
     *
     * @param handler the stream's server
     */
    public void serveStreamsWith(com.sun.net.httpserver.HttpHandler handler) {
        standaloneStream = handler;
    }

    /** When set, the stub has lost every session and will not initialize again (a broken restart). */
    private volatile boolean refusingSessions;

    /** How long a refusal takes (a function that finds out slowly). */
    private volatile java.time.Duration refusalDelay = java.time.Duration.ZERO;

    /** The stateful stub's session: {@code backend-session-<n>}, a new one after {@link #forgetSessions()}. */
    private volatile int generation = 1;

    /**
     * A restart that loses its sessions: from now on a request with the old session id is 404, and the next
     * {@code initialize} issues a new one.
     */
    public void forgetSessions() {
        generation++;
    }

    private String sessionId() {
        return "backend-session-" + generation;
    }

    /** From now on: 404 for every request with a session id, 503 for initialize. */
    public void refuseSessions() {
        refusingSessions = true;
    }

    /**
     * From now on each refusal of {@link #refuseSessions()} comes after this long.
     *
     * @param delay the delay
     */
    public void refuseAfter(java.time.Duration delay) {
        refusalDelay = delay;
    }

    /** How long the stub takes to take in a notification before it records and accepts it. */
    private volatile java.time.Duration notificationDelay = java.time.Duration.ZERO;

    /**
     * From now on each notification is recorded (and answered 202) only after this long: a server slow to take
     * one in, so a test can tell whether the gateway waited for it.
     *
     * @param delay the delay
     */
    public void takeNotificationsAfter(java.time.Duration delay) {
        notificationDelay = delay;
    }

    /** When set, the next {@code steps} call waits for it before sending its result. */
    private volatile java.util.concurrent.CountDownLatch stepsResultGate;

    /**
     * Holds back the result of the next {@code steps} call (at most 5 s), so a test can act while the call
     * is certainly still running.
     *
     * @return releases the result
     */
    public Runnable holdNextStepsResult() {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        stepsResultGate = gate;
        return gate::countDown;
    }

    /** When set, the newest revision the stub speaks: an older server (see {@link #speakUpTo}). */
    private volatile String newestVersion;

    /**
     * From now on the stub is a server that speaks revisions up to {@code newest}, as one on an older SDK: it
     * answers an {@code initialize} for a newer revision with {@code newest}, and refuses any later request whose
     * {@code MCP-Protocol-Version} is newer with HTTP 400, a JSON-RPC error with a null id and no
     * {@code Content-Type} (as the TypeScript SDK's server 1.13 does).
     *
     * @param newest the newest revision it accepts
     */
    public void speakUpTo(String newest) {
        newestVersion = newest;
    }

    private McpFunctionStub(HttpServer server, Mode mode) {
        this.server = server;
        this.mode = mode;
    }

    /**
     * @param stateful whether it issues its own session id
     * @return a started stub
     */
    public static McpFunctionStub start(boolean stateful) {
        return start(stateful ? Mode.STATEFUL : Mode.STATELESS);
    }

    /**
     * @param mode how it behaves
     * @return a started stub
     */
    public static McpFunctionStub start(Mode mode) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            McpFunctionStub stub = new McpFunctionStub(server, mode);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the endpoint URL */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** @return everything received, in order */
    public List<Received> received() {
        return received;
    }

    /**
     * @param method a JSON-RPC method
     * @return the last message of that method
     */
    public Received last(String method) {
        for (int i = received.size() - 1; i >= 0; i--) {
            Received r = received.get(i);
            if (r.message() != null && method.equals(r.message().path("method").asText())) {
                return r;
            }
        }
        throw new AssertionError("no " + method + " received; got " + received);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        JsonNode message = body.length == 0 ? null : MAPPER.readTree(body);
        if (message != null && message.has("method") && !message.has("id")) {
            sleep(notificationDelay.toMillis());
        }
        received.add(new Received(ex.getRequestMethod(), message, ex.getRequestHeaders()));
        if (refusingSessions) {
            sleep(refusalDelay.toMillis());
            boolean initialize = message != null
                    && "initialize".equals(message.path("method").asText());
            ex.sendResponseHeaders(initialize ? 503 : 404, -1);
            ex.close();
            return;
        }
        String newest = newestVersion;
        String named = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
        if (newest != null && named != null && named.compareTo(newest) > 0) {
            byte[] refusal = MAPPER.writeValueAsBytes(
                    error(MAPPER.nullNode(), -32000, "Bad Request: Unsupported protocol version: " + named));
            ex.sendResponseHeaders(400, refusal.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(refusal);
            }
            return;
        }
        String carried = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (mode == Mode.STATEFUL && carried != null && !carried.equals(sessionId())) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        if (ex.getRequestMethod().equals("GET") && standaloneStream != null) {
            standaloneStream.handle(ex);
            return;
        }
        if (!ex.getRequestMethod().equals("POST")) {
            ex.sendResponseHeaders(mode == Mode.STATEFUL ? 204 : 405, -1);
            ex.close();
            return;
        }
        if (message != null && !message.has("method") && message.has("result")) {
            // a client's answer to a request this stub sent on an answer stream (stateful servers do that)
            CompletableFuture<JsonNode> waiting =
                    pendingAnswers.remove(message.path("id").asText());
            if (waiting != null) {
                waiting.complete(message.get("result"));
            }
        }
        if (message == null || !message.has("id") || !message.has("method")) {
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        String method = message.path("method").asText();
        JsonNode id = message.get("id");
        if (mode == Mode.MODERN) {
            modern(ex, id, method, message);
            return;
        }
        switch (method) {
            case "initialize" -> {
                if (mode == Mode.STATEFUL) {
                    ex.getResponseHeaders().set("Mcp-Session-Id", sessionId());
                }
                ObjectNode result = MAPPER.createObjectNode();
                String asked = message.path("params").path("protocolVersion").asText();
                result.put("protocolVersion", newest != null && asked.compareTo(newest) > 0 ? newest : asked);
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "stub").put("version", "1");
                json(ex, 200, response(id, result));
            }
            case "tools/call" ->
                toolsCall(ex, id, message.path("params").path("name").asText());
            case "completion/complete" -> {
                // a server that asks for input where the protocol allows none
                ObjectNode result = MAPPER.createObjectNode();
                result.put("resultType", "input_required");
                result.put("requestState", "not-here");
                json(ex, 200, response(id, result));
            }
            case "logging/setLevel", "resources/subscribe", "resources/unsubscribe" ->
                json(
                        ex,
                        200,
                        mode == Mode.STATEFUL
                                ? response(id, MAPPER.createObjectNode())
                                : error(id, -32601, "method not found: " + method));
            default -> json(ex, 200, error(id, -32601, "method not found: " + method));
        }
    }

    private void modern(HttpExchange ex, JsonNode id, String method, JsonNode message) throws IOException {
        JsonNode meta = message.path("params").path("_meta");
        if (method.equals("initialize")) {
            json(ex, 404, error(id, -32601, "initialize was removed in 2026-07-28"));
        } else if (!"2026-07-28"
                .equals(meta.path("io.modelcontextprotocol/protocolVersion").asText())) {
            json(ex, 400, error(id, -32602, "missing _meta protocolVersion"));
        } else if (method.equals("server/discover")) {
            ObjectNode result = MAPPER.createObjectNode();
            result.put("resultType", "complete");
            result.putArray("supportedVersions").add("2026-07-28");
            result.putObject("capabilities").putObject("tools");
            result.putObject("_meta")
                    .putObject("io.modelcontextprotocol/serverInfo")
                    .put("name", "modern-stub")
                    .put("version", "2");
            json(ex, 200, response(id, result));
        } else if (method.equals("tools/call")) {
            ObjectNode result =
                    text("modern: " + message.path("params").path("name").asText());
            result.put("resultType", "complete");
            json(ex, 200, response(id, result));
        } else {
            json(ex, 404, error(id, -32601, "method not found: " + method));
        }
    }

    private void toolsCall(HttpExchange ex, JsonNode id, String tool) throws IOException {
        switch (tool) {
            case "echo" ->
                json(
                        ex,
                        200,
                        response(
                                id,
                                text("echo: "
                                        + MAPPER.writeValueAsString(last("tools/call")
                                                .message()
                                                .path("params")
                                                .path("arguments")))));
            case "progress" -> {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 1; i <= 2; i++) {
                        ObjectNode note = MAPPER.createObjectNode();
                        note.put("jsonrpc", "2.0");
                        note.put("method", "notifications/progress");
                        note.putObject("params")
                                .put("progressToken", "t")
                                .put("progress", i * 50)
                                .put("total", 100);
                        out.write(
                                ("data: " + MAPPER.writeValueAsString(note) + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        sleep(50);
                    }
                    out.write(("data: " + MAPPER.writeValueAsString(response(id, text("done"))) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            case "steps" -> {
                // a longer stream, for cutting the client off mid-call: four progress events 150 ms apart
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 1; i <= 4; i++) {
                        sleep(150);
                        ObjectNode note = MAPPER.createObjectNode();
                        note.put("jsonrpc", "2.0");
                        note.put("method", "notifications/progress");
                        note.putObject("params")
                                .put("progressToken", "t")
                                .put("progress", i)
                                .put("total", 4);
                        out.write(
                                ("data: " + MAPPER.writeValueAsString(note) + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    sleep(150);
                    java.util.concurrent.CountDownLatch gate = stepsResultGate;
                    if (gate != null) {
                        stepsResultGate = null;
                        try {
                            gate.await(5, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    out.write(("data: " + MAPPER.writeValueAsString(response(id, text("steps done"))) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            // an answer as a server might format it: spaces, an escape, a number Jackson would write otherwise
            case "formatted" -> text(ex, formatted(id));
            // a response followed by a second JSON value: only the first is the message
            case "trailing" -> text(ex, formatted(id) + " {\"extra\":true}");
            // a response for another request before the call's own (a function's event store replaying a stream)
            case "stray-response" -> {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    for (JsonNode answered : List.of(
                            response(MAPPER.getNodeFactory().textNode("other"), text("not yours")),
                            response(id, text("yours")))) {
                        out.write(("data: " + MAPPER.writeValueAsString(answered) + "\n\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            // only another request's response: the call has none of its own
            case "only-stray-response" ->
                json(ex, 200, response(MAPPER.getNodeFactory().textNode("other"), text("not yours")));
            case "quiet" -> {
                // nothing before its result, which comes after 800 ms
                sleep(800);
                json(ex, 200, response(id, text("quiet done")));
            }
            case "slow" -> {
                sleep(5000);
                json(ex, 200, response(id, text("late")));
            }
            case "fail" -> json(ex, 500, MAPPER.createObjectNode().put("boom", true));
            case "ask-on-stream" -> {
                // the pre-2026 way: a server-to-client request on the answer stream, answered by a new POST
                CompletableFuture<JsonNode> answer = new CompletableFuture<>();
                pendingAnswers.put("srv-1", answer);
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    ObjectNode request = MAPPER.createObjectNode();
                    request.put("jsonrpc", "2.0");
                    request.put("id", "srv-1");
                    request.put("method", "elicitation/create");
                    request.putObject("params").put("message", "Name?");
                    out.write(
                            ("data: " + MAPPER.writeValueAsString(request) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    JsonNode result = answer.get(5, java.util.concurrent.TimeUnit.SECONDS);
                    out.write(("data: "
                                    + MAPPER.writeValueAsString(response(
                                            id,
                                            text("Hi "
                                                    + result.path("content")
                                                            .path("name")
                                                            .asText())))
                                    + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    // the test fails on the missing answer
                }
            }
            case "ask-with" -> {
                // answers its argument "first" as its first result (an input_required of the test's making), and
                // a retry with what the retry carried
                JsonNode params = last("tools/call").message().path("params");
                if (!params.has("inputResponses") && !params.has("requestState")) {
                    json(ex, 200, response(id, params.path("arguments").path("first")));
                    return;
                }
                ObjectNode carried = MAPPER.createObjectNode();
                carried.set("inputResponses", params.get("inputResponses"));
                carried.set("requestState", params.get("requestState"));
                json(ex, 200, response(id, text("retried with " + MAPPER.writeValueAsString(carried))));
            }
            case "ask" -> {
                JsonNode params = last("tools/call").message().path("params");
                JsonNode answer = params.path("inputResponses").path("name");
                if (!answer.isMissingNode()) {
                    // second round: the client's answer and the state this stub handed out
                    json(
                            ex,
                            200,
                            response(
                                    id,
                                    text("Hello, "
                                            + answer.path("content")
                                                    .path("name")
                                                    .asText() + " (state "
                                            + params.path("requestState").asText() + ")")));
                    return;
                }
                ObjectNode result = MAPPER.createObjectNode();
                result.put("resultType", "input_required");
                ObjectNode request = result.putObject("inputRequests").putObject("name");
                request.put("method", "elicitation/create");
                request.putObject("params").put("message", "What is your name?");
                result.put("requestState", "opaque-1");
                json(ex, 200, response(id, result));
            }
            default -> json(ex, 200, error(id, -32602, "unknown tool " + tool));
        }
    }

    private static ObjectNode text(String text) {
        ObjectNode result = MAPPER.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        return result;
    }

    private static ObjectNode response(JsonNode id, JsonNode result) {
        ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response;
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("error").put("code", code).put("message", message);
        return response;
    }

    /**
     * @param id a request's id
     * @return the {@code formatted} tool's answer, exactly as the stub sends it
     */
    public static String formatted(JsonNode id) {
        return "{ \"jsonrpc\": \"2.0\", \"id\": " + id + ", \"result\": { \"content\": [ { \"type\": \"text\","
                + " \"text\": \"caf\\u00e9\" } ], \"n\": 1.0e1 } }";
    }

    /** A 200 JSON answer sent as this text, byte for byte. */
    private static void text(HttpExchange ex, String json) throws IOException {
        json(ex, 200, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        json(ex, status, MAPPER.writeValueAsBytes(body));
    }

    private static void json(HttpExchange ex, int status, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
