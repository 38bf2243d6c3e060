package dev.switchboard.examples.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The chat example: a function that stores a chat message and publishes it to its room's topic by
 * <em>answering</em> (the gateway's {@code switchboard.publish} list, so the function holds no credential), and the
 * static page people chat in, served from the same tiny JDK server (not from the gateway).
 *
 * <p>Routes:
 * <ul>
 *   <li>{@code POST /}: the function, called by the gateway for {@code POST /invoke/chat}. The payload
 *       {@code {"room":"lobby","from":"ann","text":"hi"}} stores the message and answers
 *       {@code {"message":{…},"switchboard":{"publish":[{"topic":"room.lobby","event":"chat","data":{…},"id":…}]}}};
 *       {@code {"room":"lobby","history":true}} answers the room's stored messages. Invalid input is a JSON 400.</li>
 *   <li>{@code GET /} (and {@code /chat.js}, {@code /chat.css}): the page. It talks to the gateway only: the
 *       browser's {@code EventSource} on {@code /sse/{clientId}?topic=room.<room>}, {@code fetch} on
 *       {@code /invoke/chat}.</li>
 *   <li>{@code GET /healthz}: {@code {"status":"ok"}}.</li>
 * </ul>
 *
 * <p>Environment: {@code PORT} (default 8083), {@code HOST} (default {@code 0.0.0.0}; {@code 127.0.0.1} on a
 * workstation), {@code CHAT_MAX_ROOMS} (default 1000) and {@code CHAT_HISTORY} (messages kept per room, default
 * 200): memory is bounded by both.
 */
public final class ChatFunction {

    /** The largest request body accepted; larger ones get 413. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    static final int MAX_NAME_LENGTH = 40;
    static final int MAX_TEXT_LENGTH = 2000;
    /** Room names become topic names ({@code room.<name>}), so they keep to the topic alphabet. */
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> PAGE_FILES =
            Map.of("/", "index.html", "/index.html", "index.html", "/chat.js", "chat.js", "/chat.css", "chat.css");

    private final ChatRooms rooms;

    private ChatFunction(ChatRooms rooms) {
        this.rooms = rooms;
    }

    public static void main(String[] args) throws IOException {
        String host = env("HOST", "0.0.0.0");
        int port = Integer.parseInt(env("PORT", "8083"));
        HttpServer server = start(
                host,
                port,
                Integer.parseInt(env("CHAT_MAX_ROOMS", "1000")),
                Integer.parseInt(env("CHAT_HISTORY", "200")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1), "chat-shutdown"));
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        System.out.println("chat function and page on http://" + shownHost + ":"
                + server.getAddress().getPort());
    }

    /**
     * Binds and starts the function and its page. Port 0 picks a free port; read it back from
     * {@link HttpServer#getAddress()}.
     */
    public static HttpServer start(String host, int port, int maxRooms, int maxMessagesPerRoom) throws IOException {
        ChatFunction chat = new ChatFunction(new ChatRooms(maxRooms, maxMessagesPerRoom));
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", chat::handle);
        server.start();
        return server;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/") && method.equals("POST")) {
                call(exchange);
            } else if (path.equals("/healthz") && method.equals("GET")) {
                sendJson(exchange, 200, MAPPER.createObjectNode().put("status", "ok"));
            } else if (PAGE_FILES.containsKey(path) && method.equals("GET")) {
                page(exchange, PAGE_FILES.get(path));
            } else if (path.equals("/") || path.equals("/healthz") || PAGE_FILES.containsKey(path)) {
                exchange.getResponseHeaders().set("Allow", path.equals("/") ? "GET, POST" : "GET");
                sendJson(exchange, 405, error("method not allowed"));
            } else {
                sendJson(exchange, 404, error("not found"));
            }
        }
    }

    private void call(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            exchange.getResponseHeaders().set("Connection", "close");
            sendJson(exchange, 413, error("body larger than " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        JsonNode payload;
        try {
            payload = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            sendJson(exchange, 400, error("body must be JSON"));
            return;
        }
        if (payload == null || !payload.isObject()) {
            sendJson(exchange, 400, error("payload must be an object {\"room\",\"from\",\"text\"}"));
            return;
        }
        String room = payload.path("room").asText("");
        if (!payload.path("room").isTextual() || !ROOM.matcher(room).matches()) {
            sendJson(exchange, 400, error("room must be 1 to 64 letters, digits, '_' or '-'"));
            return;
        }
        if (payload.path("history").asBoolean(false)) {
            ObjectNode answer = MAPPER.createObjectNode();
            answer.set("messages", MAPPER.valueToTree(rooms.history(room)));
            sendJson(exchange, 200, answer);
            return;
        }
        String from = text(payload, "from");
        String text = text(payload, "text");
        if (from.isEmpty() || from.length() > MAX_NAME_LENGTH) {
            sendJson(exchange, 400, error("from must be 1 to " + MAX_NAME_LENGTH + " characters"));
            return;
        }
        if (text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            sendJson(exchange, 400, error("text must be 1 to " + MAX_TEXT_LENGTH + " characters"));
            return;
        }
        ChatRooms.Message message = rooms.add(room, from, text, System.currentTimeMillis());
        sendJson(exchange, 200, stored(message));
    }

    /**
     * The answer to a new message: the message, and the event the gateway appends to the room's topic before it
     * answers the caller. The message id doubles as the publish id, so a retried call is stored once.
     */
    static ObjectNode stored(ChatRooms.Message message) {
        JsonNode data = MAPPER.valueToTree(message);
        ObjectNode event = MAPPER.createObjectNode()
                .put("topic", topicOf(message.room()))
                .put("event", "chat")
                .put("id", message.id());
        event.set("data", data);
        ObjectNode answer = MAPPER.createObjectNode();
        answer.set("message", data);
        answer.putObject("switchboard").putArray("publish").add(event);
        return answer;
    }

    /** @return the topic a room's messages are published to */
    static String topicOf(String room) {
        return "room." + room;
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.path(field);
        return value.isTextual() ? value.asText().strip() : "";
    }

    private static void page(HttpExchange exchange, String file) throws IOException {
        byte[] body;
        try (InputStream in = ChatFunction.class.getResourceAsStream("page/" + file)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("page file missing from the jar: " + file));
            }
            body = in.readAllBytes();
        }
        String type = file.endsWith(".html")
                ? "text/html; charset=utf-8"
                : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static ObjectNode error(String message) {
        return MAPPER.createObjectNode().put("error", message);
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] body = MAPPER.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
