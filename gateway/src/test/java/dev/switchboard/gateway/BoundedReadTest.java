package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http#sendBounded}, the tests' read of an answer that might never end: an admitted stream fails the
 * call within its time or size bound instead of hanging the test; a finite answer is read whole.
 */
class BoundedReadTest {
    private Gateway gateway;

    @BeforeEach
    void start() {
        gateway = Gateway.start(GatewayConfig.from(TestGateways.local("HEARTBEAT_INTERVAL", "200ms")));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    @Test
    void anEndlessStreamFailsWithinTheTimeBound() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> Http.getBounded(url("/sse/endless"), 1 << 20, Duration.ofSeconds(1)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no complete answer within PT1S")
                .hasMessageContaining("status 200");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anEndlessStreamFailsAtTheSizeBound() {
        // heartbeats every 200 ms pass 64 bytes within a few seconds
        assertThatThrownBy(() -> Http.getBounded(url("/sse/endless"), 64, Duration.ofSeconds(20)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("answer body longer than 64 bytes");
    }

    @Test
    void aFiniteAnswerIsReadWhole() {
        Http.Answer refused = Http.getBounded(url("/sse/bad%20id"), 64 * 1024, Duration.ofSeconds(10));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isNotBlank();
    }
}
