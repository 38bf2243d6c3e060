package dev.switchboard.examples.echo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A tiny stateless HTTP "serverless function" to try Switchboard's generic invoke API end to end.
 *
 * <p>It uses nothing but the JDK ({@link HttpServer} on virtual threads) so that it builds in seconds,
 * has no dependencies to keep patched, and shows how little a function needs: answer a JSON
 * {@code POST /} with JSON. Routes:
 * <ul>
 *   <li>{@code POST /} echoes the JSON body (at most 1 MiB) together with the {@code X-Request-ID} and
 *       {@code X-Client-ID} headers the gateway forwards;</li>
 *   <li>{@code GET /healthz} answers {@code {"status":"ok"}};</li>
 *   <li>anything else gets a JSON 404 (or 405 for a known path with the wrong method).</li>
 * </ul>
 *
 * <p>Configuration comes from the environment: {@code PORT} (default 8081) and {@code HOST}
 * (default {@code 0.0.0.0}, all interfaces, because the function is meant to run in a container where the
 * gateway reaches it over the container network; set {@code HOST=127.0.0.1} to run it on a workstation).
 */
public final class EchoFunction {

    /** The largest request body accepted; larger ones get 413. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final byte[] HEALTHY = utf8("{\"status\":\"ok\"}");
    private static final byte[] NOT_FOUND = utf8("{\"error\":\"not found\"}");
    private static final byte[] METHOD_NOT_ALLOWED = utf8("{\"error\":\"method not allowed\"}");
    private static final byte[] TOO_LARGE = utf8("{\"error\":\"body larger than 1 MiB\"}");
    private static final byte[] NOT_JSON = utf8("{\"error\":\"body must be JSON\"}");

    private EchoFunction() {}

    public static void main(String[] args) throws IOException {
        String host = env("HOST", "0.0.0.0");
        int port = Integer.parseInt(env("PORT", "8081"));
        HttpServer server = start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1), "echo-shutdown"));
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        System.out.println("echo function listening on http://" + shownHost + ":"
                + server.getAddress().getPort());
    }

    /**
     * Binds and starts the function. Port 0 picks a free port; read it back from {@link HttpServer#getAddress()}.
     */
    public static HttpServer start(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", EchoFunction::handle);
        server.start();
        return server;
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/" -> {
                    if (method.equals("POST")) {
                        echo(exchange);
                    } else {
                        exchange.getResponseHeaders().set("Allow", "POST");
                        send(exchange, 405, METHOD_NOT_ALLOWED);
                    }
                }
                case "/healthz" -> {
                    if (method.equals("GET")) {
                        send(exchange, 200, HEALTHY);
                    } else {
                        exchange.getResponseHeaders().set("Allow", "GET");
                        send(exchange, 405, METHOD_NOT_ALLOWED);
                    }
                }
                default -> send(exchange, 404, NOT_FOUND);
            }
        }
    }

    private static void echo(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            // The rest of the body is not read, so the connection cannot be reused.
            exchange.getResponseHeaders().set("Connection", "close");
            send(exchange, 413, TOO_LARGE);
            return;
        }
        int start = 0;
        int end = body.length;
        while (start < end && isJsonWhitespace(body[start])) {
            start++;
        }
        while (end > start && isJsonWhitespace(body[end - 1])) {
            end--;
        }
        if (start < end && !looksLikeJson(body[start])) {
            send(exchange, 400, NOT_JSON);
            return;
        }

        var out = new ByteArrayOutputStream(end - start + 128);
        out.writeBytes(utf8("{\"echo\":"));
        if (start < end) {
            out.write(body, start, end - start);
        } else {
            out.writeBytes(utf8("null"));
        }
        out.writeBytes(utf8(
                ",\"request_id\":" + jsonString(exchange.getRequestHeaders().getFirst("X-Request-ID"))));
        out.writeBytes(
                utf8(",\"client_id\":" + jsonString(exchange.getRequestHeaders().getFirst("X-Client-ID"))));
        out.writeBytes(utf8(",\"function\":\"echo\"}"));
        send(exchange, 200, out.toByteArray());
    }

    /** A cheap sniff of the first significant byte, not a parser: the body is embedded as-is. */
    private static boolean looksLikeJson(byte first) {
        return first == '{'
                || first == '['
                || first == '"'
                || first == '-'
                || (first >= '0' && first <= '9')
                || first == 't'
                || first == 'f'
                || first == 'n';
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Quotes a string as a JSON string literal, or returns {@code null} for a missing value. */
    static String jsonString(String value) {
        if (value == null) {
            return "null";
        }
        var sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
