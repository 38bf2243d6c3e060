package dev.switchboard.gateway.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.testing.TestRedis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway replicas, each its own JVM, on one Redis: a request on one replica reaches a stream held
 * by the other, and when the replica holding a stream is killed (SIGKILL) its client resumes on the other
 * with Last-Event-ID and gets every missed event once, in order.
 */
class FleetTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path logs;
    private FunctionServer functions;
    private final List<GatewayProcess> replicas = new ArrayList<>();

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        functions = FunctionServer.start();
    }

    @AfterEach
    void stop() {
        replicas.forEach(GatewayProcess::close);
        functions.close();
    }

    private GatewayProcess replica(String id) {
        GatewayProcess gateway = GatewayProcess.start(id, Map.of("REDIS_URL", TestRedis.shared().url(),
                                                                  "HEARTBEAT_INTERVAL", "500ms"),
                                                      logs.resolve(id + ".log"));
        replicas.add(gateway);
        return gateway;
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static void invokeAsync(GatewayProcess replica, String client, int n) {
        Http.Answer a = Http.postJson(replica.pub("/invoke/echo"),
                "{\"payload\":" + n + ",\"client_id\":\"" + client + "\",\"async\":true}");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void servesOneMcpSessionFromEveryReplica() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        try (dev.switchboard.gateway.support.McpFunctionStub mcp =
                     dev.switchboard.gateway.support.McpFunctionStub.start(false)) {
            assertThat(Http.postJson(a.admin("/admin/functions"), "{\"name\":\"tools\",\"kind\":\"mcp\","
                    + "\"endpoint\":\"" + mcp.url() + "\"}").status()).isEqualTo(201);
            await().atMost(WAIT).until(() -> Http.get(b.admin("/admin/functions/tools")).status() == 200);

            // HTTP+SSE: the stream on A, the messages posted to B, the answers back on A's stream
            try (SseClient stream = SseClient.open(a.pub("/mcp/tools/sse"))) {
                String path = stream.next(WAIT).data();
                await().atMost(WAIT).until(() -> Http.postJson(b.pub(path), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2024-11-05\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}").status() == 202);
                assertThat(json(stream.next(WAIT).data()).get("result").get("serverInfo").get("name").asText())
                        .isEqualTo("stub");
                assertThat(Http.postJson(b.pub(path), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"echo\",\"arguments\":{\"x\":2}}}").status()).isEqualTo(202);
                assertThat(json(stream.next(WAIT).data()).get("result").get("content").get(0).get("text").asText())
                        .isEqualTo("echo: {\"x\":2}");
            }

            // Streamable HTTP: a session initialized on A is served by B
            Http.Answer init = Http.send("POST", a.pub("/mcp/tools"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            Http.Answer onB = Http.send("POST", b.pub("/mcp/tools"), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                    + "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream",
                           "Mcp-Session-Id", session));
            assertThat(onB.status()).isEqualTo(200);
            assertThat(onB.json().get("result").get("content").get(0).get("text").asText()).startsWith("echo:");
        }
    }

    @Test
    void deliversAcrossReplicasAndSurvivesTheStreamsReplicaBeingKilled() {
        GatewayProcess a = replica("replica-a");
        GatewayProcess b = replica("replica-b");
        Http.Answer registered = Http.postJson(b.admin("/admin/functions"),
                "{\"name\":\"echo\",\"endpoint\":\"" + functions.url("/json") + "\"}");
        assertThat(registered.status()).isEqualTo(201);
        // the registration made on B reaches A's cache
        await().atMost(WAIT).until(() -> Http.postJson(a.pub("/invoke/echo"), "{\"payload\":0}").status() == 200);

        String lastSeen;
        SseClient onA = SseClient.open(a.pub("/sse/roamer"));
        try {
            assertThat(json(onA.next(WAIT).data()).get("replica").asText()).isEqualTo("replica-a");
            invokeAsync(b, "roamer", 1);
            SseClient.Event first = onA.nextNonHeartbeat(WAIT);
            assertThat(json(first.data()).get("data").get("received").asInt()).as("posted on B, delivered on A")
                    .isEqualTo(1);
            lastSeen = first.id();
            assertThat(Http.get(b.admin("/admin/connections")).json().get("connections").get(0).get("replica")
                               .asText()).as("the fleet view shows which replica holds the stream").isEqualTo("replica-a");

            a.kill();
            assertThat(onA.awaitEnd(WAIT)).isTrue();
        } finally {
            onA.close();
        }

        for (int n = 2; n <= 5; n++) {
            invokeAsync(b, "roamer", n);
        }
        await().atMost(WAIT).until(() -> TestRedis.shared()
                .command("XLEN", dev.switchboard.registry.RedisKeys.clientEvents("roamer")).equals(":5"));
        try (SseClient onB = SseClient.open(b.pub("/sse/roamer"), Map.of("Last-Event-ID", lastSeen))) {
            JsonNode connected = json(onB.next(WAIT).data());
            assertThat(connected.get("replica").asText()).isEqualTo("replica-b");
            assertThat(connected.get("replayed").asInt()).isEqualTo(4);
            List<SseClient.Event> missed = onB.collect("function_response", 4, WAIT);
            assertThat(missed).extracting(e -> json(e.data()).get("data").get("received").asInt())
                    .as("every missed event once (async calls may finish in any order)")
                    .containsExactlyInAnyOrder(2, 3, 4, 5);
            for (int i = 1; i < missed.size(); i++) {
                assertThat(dev.switchboard.gateway.state.EventIds.compare(missed.get(i - 1).id(), missed.get(i).id()))
                        .as("in log order").isNegative();
            }
            invokeAsync(b, "roamer", 6);
            assertThat(json(onB.nextNonHeartbeat(WAIT).data()).get("data").get("received").asInt()).isEqualTo(6);
        }
    }
}
