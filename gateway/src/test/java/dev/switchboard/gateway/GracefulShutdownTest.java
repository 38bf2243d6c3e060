package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.McpRequests;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica told to stop (SIGTERM runs {@link Gateway#close()}) finishes the calls it has taken on, within
 * {@code SHUTDOWN_GRACE}: a synchronous {@code /invoke} gets its answer, an accepted asynchronous one has its result
 * delivered to the client on another replica; a call still running when the grace runs out is answered as
 * interrupted, not cut off. Both replicas share one Redis.
 */
class GracefulShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FunctionServer functions;
    private Gateway stopping;
    private Gateway staying;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        functions = FunctionServer.start();
        stopping = replica("a");
        staying = replica("b");
        for (String name : new String[] {"slow", "held"}) {
            Http.Answer a = Http.postJson(
                    "http://127.0.0.1:" + stopping.adminPort() + "/admin/functions",
                    "{\"name\":\"" + name + "\",\"endpoint\":\"" + functions.url("/" + name)
                            + "\",\"timeout\":\"20s\"}");
            assertThat(a.status()).as(a.body()).isEqualTo(201);
        }
    }

    private static Gateway replica(String id) {
        return replica(id, "15s");
    }

    private static Gateway replica(String id, String grace) {
        Map<String, String> values = new HashMap<>(TestGateways.callingLoopback(
                "REDIS_URL", TestRedis.shared().url(), "REPLICA_ID", id, "SHUTDOWN_GRACE", grace));
        return Gateway.start(GatewayConfig.from(values));
    }

    @AfterEach
    void stop() {
        functions.releaseHeld();
        staying.close();
        if (stopping != null) {
            stopping.close();
        }
        functions.close();
    }

    @Test
    void callsInFlightFinishBeforeTheReplicaStops() throws Exception {
        String publicUrl = "http://127.0.0.1:" + stopping.port();
        try (SseClient client = SseClient.open("http://127.0.0.1:" + staying.port() + "/sse/c-drain")) {
            client.next(WAIT);
            // a sync call the function answers after 3 s, and an async one it answers when the test lets it
            CompletableFuture<Http.Answer> sync =
                    CompletableFuture.supplyAsync(() -> Http.postJson(publicUrl + "/invoke/slow", "{\"payload\":1}"));
            Http.Answer accepted = Http.postJson(
                    publicUrl + "/invoke/held", "{\"payload\":1,\"async\":true,\"client_id\":\"c-drain\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> functions.heldCalls() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::close);
            // the stop waits for the calls: the async one is let go while it does
            TimeUnit.MILLISECONDS.sleep(500);
            assertThat(stopped).as("the replica waits for its calls").isNotDone();
            functions.releaseHeld();
            stopped.get(20, TimeUnit.SECONDS);
            stopping = null;

            Http.Answer answer = sync.get(5, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"late\":true");
            SseClient.Event result = client.nextWithData("\"held\":true", WAIT);
            assertThat(result.data()).contains(accepted.json().get("request_id").asText());
        }
    }

    @Test
    void callsStillRunningWhenTheGraceRunsOutAreAnsweredAsInterrupted() throws Exception {
        stopping.close();
        stopping = replica("short", "1s");
        String publicUrl = "http://127.0.0.1:" + stopping.port();
        try (McpFunctionStub mcp = McpFunctionStub.start(false);
                SseClient client = SseClient.open("http://127.0.0.1:" + staying.port() + "/sse/c-cut")) {
            client.next(WAIT);
            Http.Answer registered = Http.postJson(
                    "http://127.0.0.1:" + stopping.adminPort() + "/admin/functions",
                    "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\",\"timeout\":\"20s\"}");
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            // a sync call, an async one and an MCP call, each held by its function past the grace
            CompletableFuture<Http.Answer> sync =
                    CompletableFuture.supplyAsync(() -> Http.postJson(publicUrl + "/invoke/held", "{\"payload\":1}"));
            Http.Answer accepted =
                    Http.postJson(publicUrl + "/invoke/held", "{\"payload\":1,\"async\":true,\"client_id\":\"c-cut\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            await().atMost(WAIT).until(() -> functions.heldCalls() == 2);
            String mcpUrl = publicUrl + "/mcp/tools";
            String session = McpRequests.initialize(mcpUrl, "{}");
            mcp.holdNextStepsResult();
            try (SseClient call = SseClient.post(
                    mcpUrl,
                    McpRequests.toolCall(7, "steps", "{}"),
                    Map.of("Accept", "text/event-stream", "Mcp-Session-Id", session))) {
                call.nextWithData("\"progress\":4", WAIT);

                Gateway.Stopped stopped = stopping.stop();
                stopping = null;
                assertThat(stopped.callsCutShort()).isEqualTo(3);
                assertThat(stopped.took()).isLessThan(Duration.ofSeconds(4));

                Http.Answer answer = sync.get(5, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isEqualTo(502);
                assertThat(answer.json().get("error").asText()).isEqualTo("call interrupted (gateway stopping)");
                SseClient.Event result =
                        client.nextWithData(accepted.json().get("request_id").asText(), WAIT);
                assertThat(result.data()).contains("call interrupted (gateway stopping)");
                SseClient.Event response = call.nextWithData("\"id\":7", WAIT);
                assertThat(response.data())
                        .contains("\"error\"")
                        .contains("\"code\":-32000")
                        .contains("call interrupted (gateway stopping)");
            }
        }
    }

    @Test
    void aStreamOpenedWhileTheReplicaStopsEndsAtOnceWithTheReconnectHint() throws Exception {
        String publicUrl = "http://127.0.0.1:" + stopping.port();
        Http.Answer accepted =
                Http.postJson(publicUrl + "/invoke/held", "{\"payload\":1,\"async\":true,\"client_id\":\"c-late\"}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        await().atMost(WAIT).until(() -> functions.heldCalls() == 1);
        // the held call keeps the replica draining while a client (routed here before readiness turned) opens a stream
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::close);
        await().atMost(WAIT)
                .until(() -> Http.get("http://127.0.0.1:" + stopping.adminPort() + "/health/ready")
                                .status()
                        == 503);
        try (SseClient late = SseClient.open(publicUrl + "/sse/c-late")) {
            assertThat(late.awaitEnd(Duration.ofSeconds(3)))
                    .as("ended at once, not at SHUTDOWN_GRACE")
                    .isTrue();
            assertThat(late.retry()).isEqualTo(1000L);
        }
        functions.releaseHeld();
        stopped.get(5, TimeUnit.SECONDS);
        stopping = null;
    }
}
