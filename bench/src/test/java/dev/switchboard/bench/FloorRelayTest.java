package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The call floor's relays pass every request and answer through whole, over kept-alive connections. */
class FloorRelayTest {
    private HttpServer function;

    @BeforeEach
    void startFunction() throws IOException {
        function = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        function.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        function.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("{\"got\":" + body.length + ",\"body\":\"" + new String(body, StandardCharsets.UTF_8)
                            + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        function.start();
    }

    @AfterEach
    void stopFunction() {
        function.stop(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop", "thread"})
    void relaysEachAnswerToItsRequestOnOneKeptConnection(String mode) throws IOException {
        try (FloorRelay relay = FloorRelay.start(mode, 0, function.getAddress().getPort());
                Http1 http = new Http1(URI.create("http://127.0.0.1:" + relay.port()))) {
            for (int i = 0; i < 200; i++) {
                // now and then a body larger than one socket read, so the framing waits for the rest
                String body = i % 50 == 7 ? "x".repeat(40_000) : "call-" + i;
                Http1.Answer answer = http.send(
                        "POST", "/", Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.text()).isEqualTo("{\"got\":" + body.length() + ",\"body\":\"" + body + "\"}");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop", "thread"})
    void servesCallersAtOnceEachOnItsOwnConnection(String mode) throws Exception {
        try (FloorRelay relay = FloorRelay.start(mode, 0, function.getAddress().getPort())) {
            LoadLoop.Result result = LoadLoop.run(
                    URI.create("http://127.0.0.1:" + relay.port()),
                    Requests::directEcho,
                    a -> a.status() == 200 && a.text().equals("{\"got\":7,\"body\":\"{\"n\":1}\"}"),
                    8,
                    Duration.ZERO,
                    Duration.ofMillis(500));
            assertThat(result.errors()).isZero();
            assertThat(result.requests()).isGreaterThan(8);
        }
    }

    @Test
    void framesByTheHeadAndItsContentLength() throws IOException {
        assertThat(FloorRelay.messageLength(filled("POST / HTTP/1.1\r\nContent-Length: 5\r\n")))
                .isEqualTo(-1);
        String head = "POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\n";
        assertThat(FloorRelay.messageLength(filled(head + "ab"))).isEqualTo(head.length() + 5);
        String get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(FloorRelay.messageLength(filled(get))).isEqualTo(get.length());
        assertThatThrownBy(
                        () -> FloorRelay.messageLength(filled("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Content-Length");
    }

    @Test
    void reportsEachServersRatioToItsBaselineRoundByRound() {
        List<CallFloor.Row> rows = List.of(
                new CallFloor.Row(CallFloor.INVOKE, CallFloor.NGINX, 16, 1, 10_000, 1.0, 4, 16),
                new CallFloor.Row(CallFloor.INVOKE, CallFloor.GATEWAY_STREAM, 16, 1, 7_000, 1.5, 12, 20),
                new CallFloor.Row(CallFloor.MCP, CallFloor.DIRECT, 16, 1, 30_000, 0.4, 20, 10),
                new CallFloor.Row(CallFloor.MCP, CallFloor.GATEWAY_MCP, 16, 1, 12_000, 1.2, 14, 20),
                new CallFloor.Row(CallFloor.INVOKE, CallFloor.NGINX, 16, 2, 20_000, 0.5, 4, 16),
                new CallFloor.Row(CallFloor.INVOKE, CallFloor.GATEWAY_STREAM, 16, 2, 16_000, 0.7, 10, 20),
                new CallFloor.Row(CallFloor.MCP, CallFloor.DIRECT, 16, 2, 20_000, 0.5, 20, 10),
                new CallFloor.Row(CallFloor.MCP, CallFloor.GATEWAY_MCP, 16, 2, 11_000, 1.3, 14, 20));
        String table = CallFloor.markdown(rows, 2, Duration.ofSeconds(3), Duration.ofSeconds(10));
        String invoke = table.substring(0, table.indexOf("MCP `tools/call`"));
        String mcp = table.substring(table.indexOf("MCP `tools/call`"));
        // each round against its own baseline: the gateway's /invoke against nginx, its MCP call against the direct
        assertThat(invoke)
                .contains("| 16 | gateway /invoke (STREAM_PORT) | ")
                .contains("(0.70×, 0.80×)")
                .contains("| 16 | nginx proxy_pass | ")
                .contains("(1.00×, 1.00×)")
                .doesNotContain(CallFloor.GATEWAY_MCP);
        assertThat(mcp)
                .contains("÷ direct")
                .contains("| 16 | gateway, MCP session (STREAM_PORT) | ")
                .contains("(0.40×, 0.55×)")
                .contains("| 34.0 µs | 14.0 µs | 20.0 µs |");
    }

    private static ByteBuffer filled(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(1024).put(bytes);
    }
}
