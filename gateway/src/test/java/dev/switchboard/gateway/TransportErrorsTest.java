package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.fuzz.LogWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refusals made before any route runs (Helidon's on the public and admin listeners, the stream listener's
 * own) are the documented JSON errors with a 4xx (505 for another HTTP version, on every listener), and a
 * client's misbehaviour leaves no stack trace in the log.
 */
class TransportErrorsTest {
    private Gateway gateway;
    private LogWatch log;

    @BeforeEach
    void start() {
        log = LogWatch.inProcess();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.local("STREAM_PORT", "0")));
    }

    @AfterEach
    void stop() {
        gateway.close();
        log.close();
    }

    /** The public listener's ports, served by its event loops. */
    private List<Integer> loopPorts() {
        return List.of(gateway.port(), gateway.streamPort().orElseThrow());
    }

    private List<Integer> allPorts() {
        return List.of(gateway.port(), gateway.adminPort(), gateway.streamPort().orElseThrow());
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            in.transferTo(seen);
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    private static void assertJsonError(String answer, int status, String code) {
        assertThat(answer)
                .startsWith("HTTP/1.1 " + status + " ")
                .contains("application/json")
                .contains("\"code\":\"" + code + "\"")
                .contains("\"error\":\"");
    }

    @Test
    void anIllegalMethodIsA400NotA500() throws Exception {
        for (int port : allPorts()) {
            assertJsonError(raw(port, "G[T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "BAD_REQUEST");
        }
        assertThat(log.stackTraces()).isEmpty();
    }

    @Test
    void brokenFramingIsAJson400() throws Exception {
        for (int port : allPorts()) {
            // a framing that cannot be read is refused before routing: the function x is not even looked up
            for (String path : List.of("/invoke/x", "/publish/news", "/publish/mcp/x")) {
                assertJsonError(
                        raw(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
                        400,
                        "BAD_REQUEST");
                assertJsonError(
                        raw(
                                port,
                                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                        400,
                        "BAD_REQUEST");
            }
            assertJsonError(raw(port, "GET /x HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"), 400, "BAD_REQUEST");
            assertJsonError(raw(port, "GET /x HTTP/1.1\nHost: x\n\n"), 400, "BAD_REQUEST");
        }
        // a chunk size that is no number, met by the route as it reads the body: the connection ends with the refusal,
        // so nothing after it is read as a request of its own (the pipelined GET is never served; Helidon may add its
        // own 400 for the rest of the broken body before it closes)
        for (String size : List.of("zz", "d ", "-1")) {
            String answer = raw(
                    gateway.adminPort(),
                    "POST /admin/functions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n{}\r\n0\r\n\r\n"
                            + "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertJsonError(answer, 400, "BAD_REQUEST");
            assertThat(answer).as("chunk size '%s'", size).contains("Connection: close");
            assertThat(answer)
                    .as("chunk size '%s': the pipelined request is not served", size)
                    .doesNotContain("HTTP/1.1 200")
                    .doesNotContain("\"status\":\"UP\"");
        }
        for (int port : loopPorts()) {
            assertJsonError(raw(port, "GET /sse/c1 HTTP/1.1\nHost: x\n\n"), 400, "BAD_REQUEST");
            // under /mcp the refusal is a JSON-RPC error, as every refusal there
            String mcp = raw(port, "POST /mcp/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n");
            assertThat(mcp).startsWith("HTTP/1.1 400 ").contains("\"jsonrpc\":\"2.0\"");
        }
    }

    @Test
    void http10IsRefusedWith505AndOtherVersionsWith400OnEveryListener() throws Exception {
        for (int port : allPorts()) {
            assertJsonError(raw(port, "GET /sse/c1 HTTP/1.0\r\n\r\n"), 505, "HTTP_VERSION_NOT_SUPPORTED");
            assertJsonError(raw(port, "GET /sse/c1 HTTP/1.2\r\nHost: x\r\n\r\n"), 400, "BAD_REQUEST");
        }
    }

    @Test
    void oversizedHeadsGetTheirOwnCodes() throws Exception {
        // the admin listener (Helidon)
        int admin = gateway.adminPort();
        assertJsonError(raw(admin, "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "URI_TOO_LONG");
        // Helidon reports header fields over its limit as a plain bad request
        assertJsonError(
                raw(admin, "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"),
                400,
                "BAD_REQUEST");
        for (int port : loopPorts()) {
            assertJsonError(
                    raw(port, "GET /sse/c1 HTTP/1.1\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n"),
                    431,
                    "HEAD_TOO_LARGE");
            assertJsonError(
                    raw(port, "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 431, "HEAD_TOO_LARGE");
            // a large token still fits (the head may be 16 KiB, as Helidon's headers could)
            String token = "a".repeat(12_000);
            String answer = raw(port, "GET /sse/c1 HTTP/1.1\r\nHost: x\r\nX-Token: " + token + "\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void aClientGoneMidRequestLeavesNoStackTrace() throws Exception {
        for (int port : allPorts()) {
            // closed mid-head (half-closed: the refusal can still be read; the loops always answer it)
            String answer = raw(port, "GET /sse/c1 HTTP/1.1\r\nHo");
            if (loopPorts().contains(port)) {
                assertJsonError(answer, 400, "BAD_REQUEST");
            } else {
                assertThat(answer)
                        .satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertJsonError(a, 400, "BAD_REQUEST"));
            }
            for (int i = 0; i < 20; i++) {
                // reset mid-head, and reset before an error answer is written
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.getOutputStream()
                            .write((i % 2 == 0
                                            ? "POST /invoke/x HTTP/1.1\r\nHost: x\r\nConte"
                                            : "DELETE /admin/functions/none HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    Thread.sleep(i % 3);
                    socket.setSoLinger(true, 0);
                }
            }
        }
        Thread.sleep(300);
        assertThat(log.stackTraces()).isEmpty();
    }
}
