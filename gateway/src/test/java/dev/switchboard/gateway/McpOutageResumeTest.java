package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.McpRequests;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call whose client left goes on; what it sends while Redis is unreachable (its data kept) could not be logged
 * then, and is logged, in order, once Redis is back, so that the client's resume still gets the call's messages and
 * its response.
 */
class McpOutageResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TcpForwarder toRedis;
    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        toRedis = TcpForwarder.start(TestRedis.shared().port());
        function = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL",
                "redis://127.0.0.1:" + toRedis.port(),
                "REDIS_TIMEOUT",
                "500ms",
                "HEARTBEAT_INTERVAL",
                "200ms")));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"10s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
        toRedis.close();
    }

    @Test
    void whatACallSentWhileRedisWasAwayReachesTheClientsResume() throws Exception {
        String mcp = "http://127.0.0.1:" + gateway.port() + "/mcp/tools";
        String session = McpRequests.initialize(mcp, "{}");
        Runnable releaseResult = function.holdNextStepsResult();

        String resumeFrom;
        try (SseClient call = SseClient.post(
                mcp,
                McpRequests.toolCall(7, "steps", "{}"),
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session))) {
            resumeFrom = call.nextWithData("\"progress\":1", WAIT).id();
            // Redis becomes unreachable (its data kept), and the client leaves
            toRedis.cutOff();
        }
        // the rest of the call happens while Redis is away: three progress notifications, then the response
        Thread.sleep(700);
        releaseResult.run();
        Thread.sleep(700);
        toRedis.retarget(TestRedis.shared().port());
        await().atMost(WAIT)
                .until(() -> Http.get("http://127.0.0.1:" + gateway.adminPort() + "/health/ready")
                                .status()
                        == 200);

        try (SseClient resumed = SseClient.open(mcp, Map.of("Mcp-Session-Id", session, "Last-Event-ID", resumeFrom))) {
            assertTheRestOfTheCallArrives(resumed);
        }
    }

    @Test
    void whatAnHttpSseCallSentWhileRedisWasAwayReachesItsStreamOnceRedisIsBack() throws Exception {
        // HTTP+SSE (2024-11-05): every message reaches the client only through the session's log
        String base = "http://127.0.0.1:" + gateway.port();
        try (SseClient stream = SseClient.open(base + "/mcp/tools/sse")) {
            SseClient.Event endpoint = stream.next(WAIT);
            assertThat(endpoint.type()).isEqualTo("endpoint");
            String messages = base + endpoint.data();
            assertThat(Http.postJson(
                                    messages,
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                                            + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                                            + "\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}")
                            .status())
                    .isEqualTo(202);
            assertThat(stream.nextWithData("\"id\":1", WAIT).data()).contains("protocolVersion");
            assertThat(Http.postJson(messages, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                            .status())
                    .isEqualTo(202);
            Runnable releaseResult = function.holdNextStepsResult();
            assertThat(Http.postJson(messages, McpRequests.toolCall(7, "steps", "{}"))
                            .status())
                    .isEqualTo(202);
            stream.nextWithData("\"progress\":1", WAIT);

            // Redis becomes unreachable (its data kept) while the call goes on: three progress notifications,
            // then the response, none of which can be logged now
            toRedis.cutOff();
            Thread.sleep(700);
            releaseResult.run();
            Thread.sleep(700);
            toRedis.retarget(TestRedis.shared().port());

            assertTheRestOfTheCallArrives(stream);
        }
    }

    /** The steps call's progress sent during the outage (2 to 4), then its response, once each and in order. */
    private static void assertTheRestOfTheCallArrives(SseClient stream) {
        List<String> data = new ArrayList<>();
        while (data.isEmpty() || !data.getLast().contains("steps done")) {
            SseClient.Event event = stream.nextNonHeartbeat(WAIT);
            if (!event.data().isEmpty()) {
                data.add(event.data());
            }
        }
        assertThat(data)
                .as("the progress sent during the outage, then the response, once each and in order")
                .hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i)).contains("\"progress\":" + (i + 2));
        }
        assertThat(data.get(3)).contains("\"id\":7");
    }
}
