package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts one function per test class on a free loopback port, with a fixed key and a clock the tests can move. */
abstract class FunctionTestSupport {

    static final byte[] SECRET = "a-test-secret-that-is-32-bytes!!".getBytes(StandardCharsets.UTF_8);

    static HttpServer server;
    static McpTestClient client;
    static URI base;
    static final MovableClock CLOCK = new MovableClock();

    @BeforeAll
    static void startFunction() throws IOException {
        server = McpFunction.start("127.0.0.1", 0, new RequestStateSigner(SECRET), CLOCK);
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = new McpTestClient(base.resolve("/mcp"));
    }

    @AfterAll
    static void stopFunction() {
        server.stop(0);
    }

    static ObjectNode params(String json) {
        return McpTestClient.json(json);
    }

    static ObjectNode callParams(String tool, String arguments) {
        return params("{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
    }

    /** The text of the first content block of a tool result. */
    static String text(JsonNode result) {
        return result.path("content").path(0).path("text").asText();
    }

    /** A clock that stands still unless moved, so that state expiry can be tested without waiting. */
    static final class MovableClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        void advance(Duration duration) {
            offset.addAndGet(duration.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offset.get());
        }
    }
}
