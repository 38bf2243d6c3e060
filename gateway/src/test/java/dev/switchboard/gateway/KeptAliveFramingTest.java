package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection on the public listener's ports stays at a request's start only when every request on it
 * is framed one way: a second request hidden in what the gateway reads as a body, or a body read as a request
 * (request smuggling), is refused, whatever came before it on the connection.
 */
class KeptAliveFramingTest {
    /** A call after which the connection is kept for the next. */
    private static final String KEPT =
            "POST /invoke/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                    + "{\"payload\":\"a\"}";
    /** A stream request, as a smuggled request would carry it. */
    private static final String HIDDEN = "GET /sse/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    private static FunctionServer functions;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        functions = FunctionServer.start();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("STREAM_PORT", "0")));
        assertThat(Http.postJson(
                                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}")
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        functions.close();
    }

    private static List<Integer> ports() {
        return List.of(gateway.port(), gateway.streamPort().orElseThrow());
    }

    /** @return everything answered to the bytes, sent in one write, the client's side closed after them */
    private static String wire(int port, String requests) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(seen);
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    /** @return the status lines answered, in order */
    private static List<String> statuses(String wire) {
        // an answer's status line follows the last one's body at once
        return STATUS_LINE.matcher(wire).results().map(m -> m.group(1)).toList();
    }

    private static final java.util.regex.Pattern STATUS_LINE = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    @Test
    void aBadHeadAfterAnAnsweredCallIsRefusedWholeAndItsBodyIsNoRequest() throws Exception {
        for (int port : ports()) {
            for (String bad : List.of(
                    "POST /invoke/echo HTTP/1.0\r\nContent-Length: " + HIDDEN.length() + "\r\n\r\n",
                    "POST /invoke/echo HTTP/1.1\r\nBad Name: 1\r\nContent-Length: " + HIDDEN.length() + "\r\n\r\n",
                    "GET  /x HTTP/1.1\r\n\r\n")) {
                String wire = wire(port, KEPT + bad + HIDDEN);
                assertThat(statuses(wire)).as(bad).hasSize(2).first().isEqualTo("200");
                assertThat(statuses(wire).get(1)).as(bad).isIn("400", "505");
                assertThat(wire).as(bad).doesNotContain("text/event-stream");
            }
        }
    }

    @Test
    void twoLengthsThatDisagreeAreRefusedAndWhatFollowsIsNoRequest() throws Exception {
        for (int port : ports()) {
            for (String lengths : List.of(
                    "Content-Length: 0\r\nContent-Length: " + HIDDEN.length(),
                    "Content-Length: " + HIDDEN.length() + "\r\nContent-Length: 0")) {
                String wire =
                        wire(port, KEPT + "POST /invoke/echo HTTP/1.1\r\nHost: x\r\n" + lengths + "\r\n\r\n" + HIDDEN);
                assertThat(statuses(wire)).as(lengths).containsExactly("200", "400");
                assertThat(wire).contains("\"code\":\"BAD_REQUEST\"").doesNotContain("text/event-stream");
            }
        }
    }

    @Test
    void aChunkedBodyWhoseTrailerEndsInABareLineFeedSwallowsNoRequest() throws Exception {
        for (int port : ports()) {
            String wire = wire(
                    port,
                    "POST /invoke/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\nf\r\n{\"payload\":\"b\"}\r\n0\r\nX-T: 1\n\r\n"
                            + KEPT);
            assertThat(statuses(wire)).containsExactly("400");
        }
    }

    @Test
    void aPipelinedRequestIsAnsweredThoughTheClientClosedItsSideAfterIt() throws Exception {
        for (int port : ports()) {
            String wire = wire(port, KEPT + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(statuses(wire)).containsExactly("200", "404");
        }
    }

    @Test
    void theAnswerToAHeadRequestHasNoBodyAndTheConnectionGoesOn() throws Exception {
        for (int port : ports()) {
            String wire = wire(port, "HEAD /mcp/echo HTTP/1.1\r\nHost: x\r\n\r\n" + KEPT);
            assertThat(statuses(wire)).containsExactly("405", "200");
            assertThat(wire.substring(0, wire.indexOf("HTTP/1.1 200"))).doesNotContain("jsonrpc");
        }
    }

    @Test
    void aClientThatHalfClosesInsideABodyIsToldSo() throws Exception {
        for (int port : ports()) {
            for (String framing : List.of(
                    "Content-Length: 100\r\n\r\n{\"payload\"",
                    "Transfer-Encoding: chunked\r\n\r\n20\r\n{\"payload\"")) {
                String wire = wire(
                        port, "POST /invoke/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing);
                assertThat(statuses(wire)).as(framing).containsExactly("400");
                assertThat(wire).contains("\"code\":\"INVALID_REQUEST\"");
            }
        }
    }

    @Test
    void anEmptyLineBeforeTheNextRequestIsSkipped() throws Exception {
        for (int port : ports()) {
            assertThat(statuses(wire(port, KEPT + "\r\n" + KEPT))).containsExactly("200", "200");
        }
    }

    @Test
    void anAbsoluteFormTargetIsServedAndANextRequestWithoutHostRefused() throws Exception {
        for (int port : ports()) {
            String absolute = KEPT.replace("POST /invoke/echo", "POST http://gateway.example:" + port + "/invoke/echo");
            String wire = wire(port, absolute + "GET /sse/nohost HTTP/1.1\r\n\r\n");
            assertThat(statuses(wire)).containsExactly("200", "400");
            assertThat(wire).contains("missing Host").doesNotContain("text/event-stream");
        }
    }

    @Test
    void theLoopsOwnRefusalsOfAHeadRequestHaveNoBody() throws Exception {
        for (int port : ports()) {
            for (String path : List.of("/nowhere", "/sse/c1", "/publish/news")) {
                String wire = wire(port, "HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(statuses(wire)).as(path).containsExactly(path.equals("/nowhere") ? "404" : "405");
                assertThat(wire).as(path).contains("Content-Length: ").endsWith("\r\n\r\n");
            }
        }
    }
}
