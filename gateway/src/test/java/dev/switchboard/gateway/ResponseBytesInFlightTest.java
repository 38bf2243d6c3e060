package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code MAX_RESPONSE_BYTES_IN_FLIGHT} over real sockets: a function trickles 1 MiB answers, a gateway with
 * a 3 MiB budget takes twelve concurrent calls. Those whose answers do not fit get the documented refusal
 * ({@code /invoke}: 503 {@code TOO_MANY_RESPONSE_BYTES}; {@code /mcp}: a {@code -32000} JSON-RPC error),
 * the others their whole answer; the gateway stays live and the budget returns to zero.
 */
class ResponseBytesInFlightTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ANSWER_BYTES = 1 << 20;
    private static final int CALLS = 12;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private HttpServer function;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        function = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        function.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        function.createContext("/large", ex -> trickle(ex, "text/plain", "x".repeat(ANSWER_BYTES)));
        function.createContext("/mcp", ResponseBytesInFlightTest::mcpAnswer);
        function.start();
        gateway = gatewayWith(Map.of("MAX_RESPONSE_BYTES_IN_FLIGHT", "3MiB", "MAX_RESPONSE_SIZE", "2MiB"));
        registerFunctions();
    }

    /** @return a gateway on loopback with the answer limits given */
    private static Gateway gatewayWith(Map<String, String> limits) {
        Map<String, String> values = new java.util.HashMap<>(TestGateways.callingLoopback());
        values.putAll(limits);
        return Gateway.start(GatewayConfig.from(values));
    }

    /** The 1 MiB answers: {@code large} over HTTP, {@code large-mcp} as an MCP server. */
    private void registerFunctions() {
        String endpoint = "http://127.0.0.1:" + function.getAddress().getPort();
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"large\",\"endpoint\":\"" + endpoint + "/large\"}")
                        .status())
                .isEqualTo(201);
        assertThat(Http.postJson(
                                admin("/admin/functions"),
                                "{\"name\":\"large-mcp\",\"kind\":\"mcp\",\"endpoint\":\"" + endpoint + "/mcp\"}")
                        .status())
                .isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.stop(0);
    }

    @Test
    void invokeAnswersThatDoNotFitGet503AndTheBudgetReturnsToZero() throws Exception {
        List<Http.Answer> answers = concurrently(() -> Http.postJson(pub("/invoke/large"), "{\"payload\":1}"));
        int served = 0;
        int refused = 0;
        for (Http.Answer answer : answers) {
            if (answer.status() == 200) {
                assertThat(answer.json().get("data").asText()).hasSize(ANSWER_BYTES);
                served++;
            } else {
                assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                assertThat(answer.json().get("code").asText()).isEqualTo("TOO_MANY_RESPONSE_BYTES");
                assertThat(answer.json().get("error").asText()).contains("MAX_RESPONSE_BYTES_IN_FLIGHT");
                refused++;
            }
        }
        assertThat(served).as("answers that fit are served").isPositive();
        assertThat(refused).as("twelve 1 MiB answers do not fit in 3 MiB").isPositive();
        awaitBudgetEmpty();
    }

    @Test
    void mcpAnswersThatDoNotFitGetAJsonRpcErrorAndTheBudgetReturnsToZero() throws Exception {
        String call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"big\","
                + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
        List<Http.Answer> answers = concurrently(() -> Http.send(
                "POST",
                pub("/mcp/large-mcp"),
                call,
                Map.of(
                        "Content-Type",
                        "application/json",
                        "Accept",
                        "application/json",
                        "MCP-Protocol-Version",
                        "2026-07-28",
                        "Mcp-Method",
                        "tools/call",
                        "Mcp-Name",
                        "big")));
        int served = 0;
        int refused = 0;
        for (Http.Answer answer : answers) {
            JsonNode json = answer.json();
            if (json.has("result")) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(json.get("result").get("content").get(0).get("text").asText())
                        .hasSize(ANSWER_BYTES);
                served++;
            } else {
                assertThat(answer.status()).as(answer.body()).isIn(200, 503);
                assertThat(json.get("error").get("code").asInt())
                        .as(answer.body())
                        .isEqualTo(-32000);
                assertThat(json.get("error").get("message").asText()).contains("MAX_RESPONSE_BYTES_IN_FLIGHT");
                refused++;
            }
        }
        assertThat(served).as("answers that fit are relayed").isPositive();
        assertThat(refused).as("twelve 1 MiB answers do not fit in 3 MiB").isPositive();
        awaitBudgetEmpty();
    }

    @Test
    void anAnswerLargerThanTheWholeBudgetIsOverTheSizeLimitNotABusyReplica() throws Exception {
        // MAX_RESPONSE_SIZE left to its default, the budget: a 1 MiB answer can never fit in 512 KiB, so a "retry
        // later" would be retried for ever
        gateway.close();
        gateway = gatewayWith(Map.of("MAX_RESPONSE_BYTES_IN_FLIGHT", "512KiB"));
        registerFunctions();

        Http.Answer invoked = Http.postJson(pub("/invoke/large"), "{\"payload\":1}");
        assertThat(invoked.status()).as(invoked.body()).isEqualTo(502);
        assertThat(invoked.json().get("code").asText()).isEqualTo("EXECUTION_ERROR");
        assertThat(invoked.json().get("error").asText()).isEqualTo("function answer exceeds the limit of 524288 bytes");
        assertThat(invoked.json().path("function_status").asInt())
                .as("as any answer over the size limit: the function's status")
                .isEqualTo(200);

        Http.Answer relayed = Http.send(
                "POST",
                pub("/mcp/large-mcp"),
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"big\","
                        + "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}",
                Map.of(
                        "Content-Type", "application/json",
                        "Accept", "application/json",
                        "MCP-Protocol-Version", "2026-07-28",
                        "Mcp-Method", "tools/call",
                        "Mcp-Name", "big"));
        assertThat(relayed.json().get("error").get("code").asInt())
                .as(relayed.body())
                .isEqualTo(-32603);
        assertThat(relayed.json().get("error").get("message").asText()).contains("exceeds 524288 bytes");
        awaitBudgetEmpty();
    }

    /** Runs the calls at once while probing liveness; every probe must answer 200 within two seconds. */
    private List<Http.Answer> concurrently(Supplier<Http.Answer> call) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong slowestLiveMillis = new AtomicLong();
        List<Http.Answer> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> prober = threads.submit(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    assertThat(Http.get(admin("/health/live")).status()).isEqualTo(200);
                    slowestLiveMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    sleep(50);
                }
                return null;
            });
            List<Future<Http.Answer>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(threads.submit(call::get));
            }
            for (Future<Http.Answer> f : calls) {
                answers.add(f.get());
            }
            running.set(false);
            prober.get();
        }
        assertThat(slowestLiveMillis.get()).as("/health/live stays responsive").isLessThan(2000);
        return answers;
    }

    private void awaitBudgetEmpty() {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Http.get(admin("/metrics")).body())
                        .contains("switchboard_invocations_response_bytes 0.0"));
    }

    /** Answers any JSON-RPC request with a 1 MiB text result (initialize included: nothing else is asked). */
    private static void mcpAnswer(HttpExchange ex) throws IOException {
        JsonNode request = MAPPER.readTree(ex.getRequestBody().readAllBytes());
        ObjectNode response = MAPPER.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", request.get("id"));
        response.putObject("result")
                .putArray("content")
                .addObject()
                .put("type", "text")
                .put("text", "y".repeat(ANSWER_BYTES));
        trickle(ex, "application/json", MAPPER.writeValueAsString(response));
    }

    /** Sends the body in 64 KiB pieces over about half a second, so that concurrent answers overlap. */
    private static void trickle(HttpExchange ex, String type, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            for (int offset = 0; offset < bytes.length; offset += 64 * 1024) {
                out.write(bytes, offset, Math.min(64 * 1024, bytes.length - offset));
                out.flush();
                sleep(30);
            }
        } catch (IOException e) {
            // the gateway gave up on this answer
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private String admin(String path) {
        return "http://127.0.0.1:" + gateway.adminPort() + path;
    }
}
