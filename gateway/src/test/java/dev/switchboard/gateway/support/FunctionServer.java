package dev.switchboard.gateway.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Real functions on a loopback port, one path per behaviour: JSON echo, text, 500, slow, invalid JSON,
 * a large answer, and a health endpoint that can be switched off.
 */
public final class FunctionServer implements AutoCloseable {
    /** {@code /gated}'s answer: an event to the topic {@code gated} and one to the client {@code gated}. */
    public static final String GATED_ANSWER = "{\"gated\":true,\"switchboard\":{\"publish\":["
            + "{\"topic\":\"gated\",\"event\":\"news\",\"data\":{\"n\":1}},"
            + "{\"client_id\":\"gated\",\"event\":\"note\",\"data\":{\"n\":2}}]}}";

    private final HttpServer server;
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    /** Calls that reached {@code /gated}, answered or waiting. */
    private final java.util.concurrent.atomic.AtomicInteger gatedCalls =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Holds {@code /held}'s calls, apart from {@code /gated}'s. */
    private final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);

    private final java.util.concurrent.atomic.AtomicInteger heldCalls = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicInteger flakyCalls =
            new java.util.concurrent.atomic.AtomicInteger();
    /** Headers of the last request per path. */
    private final Map<String, Headers> lastHeaders = new ConcurrentHashMap<>();
    /** Body of the last request to {@code /json}, exactly as received. */
    private volatile String lastJsonBody;

    private FunctionServer(HttpServer server) {
        this.server = server;
    }

    /** @return a started server */
    /** What {@code /raw} answers, byte for byte. */
    public static final String RAW_JSON =
            "{ \"z\" : 1e2,\n \"a\":\"caf\\u00e9\", \"n\":[1.50, -0.0, 12345678901234567890] }";

    public static FunctionServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            FunctionServer fs = new FunctionServer(server);
            server.createContext("/json", ex -> fs.echoJson(ex));
            server.createContext("/text", ex -> fs.reply(ex, 200, "text/plain", "plain answer"));
            // answers with what it received: the caller writes the function's answer
            server.createContext(
                    "/mirror",
                    ex -> fs.reply(
                            ex,
                            200,
                            "application/json",
                            new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            // JSON as a function may write it: spaces, a newline, an exponent, a kept scale, an escape, key order
            server.createContext("/raw", ex -> fs.reply(ex, 200, "application/json", RAW_JSON));
            server.createContext("/fail", ex -> fs.reply(ex, 500, "application/json", "{\"boom\":true}"));
            server.createContext("/garbage", ex -> fs.reply(ex, 200, "application/json", "{not json"));
            server.createContext("/slow", ex -> {
                sleep(3000);
                fs.reply(ex, 200, "application/json", "{\"late\":true}");
            });
            // answers once the test lets it (release), at most 30 s later, publishing to a topic and a client too
            server.createContext("/gated", ex -> fs.answerOnceLetGo(ex, fs.gatedCalls, fs.gate, GATED_ANSWER));
            // as /gated, with a gate of its own (releaseHeld): calls held while /gated's are let go
            server.createContext("/held", ex -> fs.answerOnceLetGo(ex, fs.heldCalls, fs.hold, "{\"held\":true}"));
            server.createContext("/big", ex -> fs.reply(ex, 200, "text/plain", "x".repeat(64 * 1024)));
            server.createContext("/health", ex -> fs.reply(ex, fs.healthy.get() ? 200 : 503, "text/plain", "ok"));
            server.createContext("/flaky", ex -> {
                // fails twice with 503, then answers
                int n = fs.flakyCalls.incrementAndGet();
                fs.reply(ex, n <= 2 ? 503 : 200, "application/json", "{\"call\":" + n + "}");
            });
            server.start();
            return fs;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts the call, waits until the test lets its gate go (at most 30 s), then answers. */
    private void answerOnceLetGo(
            HttpExchange ex,
            java.util.concurrent.atomic.AtomicInteger calls,
            java.util.concurrent.CountDownLatch letGo,
            String answer)
            throws IOException {
        calls.incrementAndGet();
        try {
            letGo.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply(ex, 200, "application/json", answer);
    }

    private void echoJson(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        lastJsonBody = new String(body, StandardCharsets.UTF_8);
        String method = ex.getRequestMethod();
        String answer = "{\"method\":\"" + method + "\",\"received\":"
                + (body.length == 0 ? "null" : new String(body, StandardCharsets.UTF_8)) + "}";
        reply(ex, 200, "application/json", answer);
    }

    private void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        lastHeaders.put(ex.getHttpContext().getPath(), ex.getRequestHeaders());
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
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

    /**
     * @param path a path such as {@code /json}
     * @return the function URL
     */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /**
     * @param path a path
     * @return headers of its last request
     */
    public Headers lastHeaders(String path) {
        return lastHeaders.get(path);
    }

    /** @return the body of the last request to {@code /json}, byte for byte, or null */
    public String lastJsonBody() {
        return lastJsonBody;
    }

    /** @return calls received by {@code /flaky} */
    public int flakyCalls() {
        return flakyCalls.get();
    }

    /** @return calls that reached {@code /gated} so far */
    public int gatedCalls() {
        return gatedCalls.get();
    }

    /** Lets {@code /gated} answer, now and from now on. */
    public void release() {
        gate.countDown();
    }

    /** @return calls that reached {@code /held} so far */
    public int heldCalls() {
        return heldCalls.get();
    }

    /** Lets {@code /held} answer, now and from now on. */
    public void releaseHeld() {
        hold.countDown();
    }

    /** @param value whether {@code /health} answers 200 */
    public void healthy(boolean value) {
        healthy.set(value);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
