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
 * A stateful function that offers no stream of its own (its GET answered without {@code text/event-stream}) is not
 * asked again for that session, as API.md says: the gateway asked it every half second for as long as the client's
 * stream stayed open.
 */
class McpBackendStreamRefusedTest {
    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        // the stateful stub answers its GET 204: an answer, but no stream
        function = McpFunctionStub.start(true);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "10s")));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    @Test
    void aFunctionThatOffersNoStreamIsAskedOnce() throws Exception {
        String mcp = "http://127.0.0.1:" + gateway.port() + "/mcp/tools";
        String session = McpRequests.initialize(mcp, "{}");
        try (SseClient stream = SseClient.open(mcp, Map.of("Mcp-Session-Id", session))) {
            assertThat(stream.status()).isEqualTo(200);
            Thread.sleep(3000);
            assertThat(stream.awaitEnd(Duration.ZERO))
                    .as("the client's stream stays")
                    .isFalse();
        }
        long asked = function.received().stream()
                .filter(r -> r.httpMethod().equals("GET"))
                .count();
        assertThat(asked).as("GETs in 3 s: once, not every 500 ms").isEqualTo(1);
    }
}
