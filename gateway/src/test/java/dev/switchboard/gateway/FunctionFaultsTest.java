package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FaultyFunction;
import dev.switchboard.gateway.support.FaultyFunction.Fault;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Functions that misbehave at the socket level (reset, hang, trickle, 11 MiB, invalid SSE): each call
 * ends within its timeout with a documented error, and a client stream open the whole time keeps
 * beating and receives the next good result.
 */
class FunctionFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Gateway gateway;
    private FunctionServer good;
    /** Kept open to the end: a closed one's port could be reused by the next and blur which fault answered. */
    private final java.util.List<FaultyFunction> faulty = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        good = FunctionServer.start();
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback("HEARTBEAT_INTERVAL", "300ms")));
        register("{\"name\":\"good\",\"endpoint\":\"" + good.url("/json") + "\"}");
    }

    @AfterEach
    void stop() {
        gateway.close();
        good.close();
        faulty.forEach(FaultyFunction::close);
    }

    private void register(String json) {
        Http.Answer a = Http.postJson("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions", json);
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    @Test
    void everyFaultEndsAsADocumentedErrorAndTheStreamStaysUp() throws Exception {
        try (SseClient watcher = SseClient.open(pub("/sse/watcher"))) {
            watcher.next(WAIT);
            expect(Fault.RESET, 502, "EXECUTION_ERROR");
            expect(Fault.HANG, 504, "TIMEOUT");
            expect(Fault.TRICKLE, 504, "TIMEOUT");
            expect(Fault.HUGE, 502, "EXECUTION_ERROR");

            FaultyFunction invalid = FaultyFunction.start(Fault.INVALID_SSE);
            faulty.add(invalid);
            register("{\"name\":\"garbled\",\"kind\":\"mcp\",\"endpoint\":\"" + invalid.url()
                    + "\",\"timeout\":\"2s\"}");
            long start = System.nanoTime();
            Http.Answer init = Http.send(
                    "POST",
                    pub("/mcp/garbled"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                            + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
            assertThat(init.status()).as(init.body()).isNotEqualTo(500).isLessThan(600);
            assertThat(init.body()).contains("\"error\"").doesNotContain("Exception");

            // the stream beat through all of it; the async calls to the faulty functions report their failures
            // on it, in any order; and the next good result arrives on it
            assertThat(Http.postJson(
                                    pub("/invoke/good"),
                                    "{\"payload\":\"fine\",\"client_id\":\"watcher\"," + "\"async\":true}")
                            .status())
                    .isEqualTo(202);
            int failures = 0;
            int heartbeats = 0;
            boolean fine = false;
            while (!fine || failures < 4 || heartbeats < 2) {
                SseClient.Event event = watcher.next(WAIT);
                if (event.type().equals("heartbeat")) {
                    heartbeats++;
                    continue;
                }
                assertThat(event.type()).isEqualTo("function_response");
                if (event.data().contains("\"fine\"")) {
                    fine = true;
                } else {
                    assertThat(event.data()).contains("\"success\":false");
                    failures++;
                }
            }
        }
    }

    private void expect(Fault fault, int status, String outcome) {
        FaultyFunction function = FaultyFunction.start(fault);
        faulty.add(function);
        String name = fault.name().toLowerCase(java.util.Locale.ROOT);
        register("{\"name\":\"" + name + "\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"2s\"}");
        long start = System.nanoTime();
        Http.Answer answer = Http.postJson(pub("/invoke/" + name), "{\"payload\":1}");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.status()).as(fault + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.json().get("code").asText()).as(fault.name()).isEqualTo(outcome);
        assertThat(took).as(fault + " ends within the 2 s timeout and a margin").isLessThan(Duration.ofSeconds(4));
        // the async form delivers the same failure as an event, to whoever listens
        assertThat(Http.postJson(pub("/invoke/" + name), "{\"payload\":1,\"client_id\":\"watcher\",\"async\":true}")
                        .status())
                .isEqualTo(202);
    }
}
