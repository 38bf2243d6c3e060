package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.McpRequests;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A resume of a call with nothing new to replay yet gets its response head at once, not with the first keep-alive a
 * heartbeat interval later (15 s by default): an HTTP client may time out waiting for a head.
 */
class McpResumeHeadTest {
    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        function = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "10s")));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"20s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    @Test
    void aResumeWithNothingToReplayYetGetsItsHeadAtOnce() {
        String mcp = "http://127.0.0.1:" + gateway.port() + "/mcp/tools";
        String session = McpRequests.initialize(mcp, "{}");
        Runnable releaseResult = function.holdNextStepsResult();
        String last;
        try (SseClient call = SseClient.post(
                mcp,
                McpRequests.toolCall(3, "steps", "{}"),
                Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session))) {
            // the call's last progress: then it waits for the test to let its result go
            last = call.nextWithData("\"progress\":4", Duration.ofSeconds(10)).id();
        }
        long start = System.nanoTime();
        try (SseClient resumed = SseClient.open(mcp, Map.of("Mcp-Session-Id", session, "Last-Event-ID", last))) {
            Duration head = Duration.ofNanos(System.nanoTime() - start);
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(head).as("the head, before any keep-alive (10 s)").isLessThan(Duration.ofSeconds(5));
            releaseResult.run();
            assertThat(resumed.nextWithData("steps done", Duration.ofSeconds(10))
                            .data())
                    .contains("\"id\":3");
        }
    }
}
