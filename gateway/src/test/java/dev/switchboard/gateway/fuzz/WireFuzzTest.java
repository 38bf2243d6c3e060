package dev.switchboard.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.fuzz.GatewayTargets;
import dev.switchboard.testing.fuzz.LogWatch;
import dev.switchboard.testing.fuzz.WireFuzzer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire fuzz at CI size: malformed heads, framing and JSON over raw sockets at the public, admin and
 * stream listeners of one running gateway. {@code bench/run-all --fuzz} runs the same fuzzer at a large
 * size. {@code -Dfuzz.seed=N} replays a run ({@code random} for a fresh seed); {@code -Dfuzz.cases=N} changes its size.
 */
class WireFuzzTest {
    /** The seed CI replays every run; {@code -Dfuzz.seed=random} explores. */
    private static final long CI_SEED = 20261130L;

    private FunctionServer functions;
    private McpFunctionStub mcp;
    private Gateway gateway;

    @BeforeEach
    void start() {
        functions = FunctionServer.start();
        mcp = McpFunctionStub.start(false);
        gateway = Gateway.start(
                GatewayConfig.from(TestGateways.callingLoopback("STREAM_PORT", "0", "MAX_BODY_SIZE", "64KiB")));
        admin("{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\",\"timeout\":\"2s\"}");
        admin("{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\",\"timeout\":\"2s\"}");
    }

    @AfterEach
    void stop() {
        gateway.close();
        mcp.close();
        functions.close();
    }

    private void admin(String json) {
        assertThat(Http.postJson("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions", json)
                        .status())
                .isEqualTo(201);
    }

    @Test
    void noListenerFailsOrLogsAStackTraceUnderHostileRequests() throws Exception {
        WireFuzzer.Settings settings = new WireFuzzer.Settings(
                WireFuzzer.seedFromProperty(CI_SEED),
                Integer.getInteger("fuzz.cases", 400),
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                16,
                80 * 1024);
        WireFuzzer.Report report;
        try (LogWatch log = LogWatch.inProcess()) {
            report = WireFuzzer.run(
                    GatewayTargets.of(
                            gateway.port(),
                            gateway.adminPort(),
                            gateway.streamPort().orElseThrow()),
                    settings,
                    log);
        }
        report.assertClean();
        assertThat(report.sent()).isGreaterThan(0);
    }
}
