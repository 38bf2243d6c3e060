package dev.switchboard.gateway.support;

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

/**
 * Serves test pages from its own loopback port, so a page it serves is on another origin than the gateway
 * under test (browser tests of CORS). Pages are HTML strings put by path.
 */
public final class PageServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();

    private PageServer(HttpServer server) {
        this.server = server;
    }

    /** @return a started server on 127.0.0.1 and a free port */
    public static PageServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            PageServer pages = new PageServer(server);
            server.createContext("/", pages::handle);
            server.start();
            return pages;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the pages' origin, e.g. {@code http://127.0.0.1:41234} */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @param path a path such as {@code /mcp.html}
     * @param html the page
     * @return its URL
     */
    public String put(String path, String html) {
        pages.put(path, html);
        return origin() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        String html = pages.get(ex.getRequestURI().getPath());
        byte[] body = (html == null ? "not found" : html).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", html == null ? "text/plain" : "text/html; charset=utf-8");
        ex.sendResponseHeaders(html == null ? 404 : 200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
