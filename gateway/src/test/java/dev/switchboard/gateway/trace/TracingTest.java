package dev.switchboard.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.OtlpReceiver;
import dev.switchboard.gateway.support.OtlpReceiver.ReceivedSpan;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.gateway.support.TracedFunction;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry end to end, over real sockets and a real Redis: the gateway exports its spans over OTLP/HTTP to
 * a receiver in the test (which decodes the protobuf export), and a function traced on its own exports its span to
 * the same receiver; a call through the gateway is one trace, joining the client's {@code traceparent}, with the
 * function's span the child of the gateway's call. Without {@code OTEL_*} nothing is exported and no
 * {@code traceparent} reaches a function.
 */
class TracingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GATEWAY_SERVICE = "switchboard-gateway";
    private static TestRedis redis;

    private OtlpReceiver receiver;
    private TracedFunction function;
    private Gateway gateway;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPrivate();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void start() {
        redis.flush();
        receiver = OtlpReceiver.start();
        function = TracedFunction.start(receiver.url());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        function.close();
        receiver.close();
    }

    private Gateway startGateway(GatewayTracing tracing) {
        Map<String, String> values = TestGateways.callingLoopback(
                "REDIS_URL", redis.url(), "STREAM_PORT", "0", "HEARTBEAT_INTERVAL", "300ms");
        Gateway started = Gateway.start(GatewayConfig.from(values), tracing);
        Http.Answer registered = Http.postJson(
                admin(started, "/admin/functions"), "{\"name\":\"traced\",\"endpoint\":\"" + function.url() + "\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        return started;
    }

    private GatewayTracing tracingTo(OtlpReceiver otlp) {
        GatewayTracing tracing = GatewayTracing.fromEnvironment(
                Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        otlp.url(),
                        // export within 50 ms instead of 5 s
                        "OTEL_BSP_SCHEDULE_DELAY",
                        "50"),
                "tracing-test");
        assertThat(tracing.enabled()).isTrue();
        return tracing;
    }

    private static String admin(Gateway g, String path) {
        return "http://127.0.0.1:" + g.adminPort() + path;
    }

    private String pub(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeros (an invalid id)
        return java.util.HexFormat.of().formatHex(b);
    }

    private static ReceivedSpan one(List<ReceivedSpan> spans, String service, String name) {
        List<ReceivedSpan> found = spans.stream()
                .filter(s -> service.equals(s.service()) && name.equals(s.name()))
                .toList();
        assertThat(found).as(name + " in " + spans).hasSize(1);
        return found.getFirst();
    }

    private List<ReceivedSpan> awaitTrace(String traceId, String... names) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(receiver.trace(traceId))
                        .extracting(ReceivedSpan::name)
                        .contains(names));
        return receiver.trace(traceId);
    }

    @Test
    void aCallThroughTheGatewayIsOneTraceWithTheFunctionsSpanAsAChild() {
        gateway = startGateway(tracingTo(receiver));
        // the same trace whichever listener carries the call
        for (String url : List.of(
                pub("/invoke/traced"),
                "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/invoke/traced")) {
            String traceId = hex(16);
            String clientSpan = hex(8);
            Http.Answer answer = Http.send(
                    "POST",
                    url,
                    "{\"payload\":{\"question\":\"secret-42\"}}",
                    Map.of(
                            "Content-Type",
                            "application/json",
                            "traceparent",
                            "00-" + traceId + "-" + clientSpan + "-01"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);

            List<ReceivedSpan> trace = awaitTrace(traceId, "POST /invoke/{function}", "call traced", "function work");
            ReceivedSpan server = one(trace, GATEWAY_SERVICE, "POST /invoke/{function}");
            ReceivedSpan call = one(trace, GATEWAY_SERVICE, "call traced");
            ReceivedSpan work = one(trace, TracedFunction.SERVICE, "function work");
            // the client's span, then the gateway's server span, its call, and the function's own span
            assertThat(server.parentSpanId()).as(url).isEqualTo(clientSpan);
            assertThat(server.kind()).isEqualTo("SPAN_KIND_SERVER");
            assertThat(server.attribute("switchboard.function")).as(url).isEqualTo("traced");
            assertThat(server.attribute("http.response.status_code")).as(url).isEqualTo("200");
            assertThat(call.parentSpanId()).isEqualTo(server.spanId());
            assertThat(call.kind()).isEqualTo("SPAN_KIND_CLIENT");
            assertThat(work.parentSpanId()).isEqualTo(call.spanId());
            assertThat(function.traceparents()).contains("00-" + traceId + "-" + call.spanId() + "-01");
        }
        assertThat(function.traceparents()).hasSize(2);
        // the payload is never recorded
        assertThat(receiver.spans())
                .allSatisfy(s -> assertThat(s.attributes().values()).noneMatch(v -> v.contains("secret-42")));
    }

    @Test
    void anAsyncResultCarriesTheTraceThroughRedisIntoItsFanOut() {
        gateway = startGateway(tracingTo(receiver));
        String traceId = hex(16);
        try (SseClient stream = SseClient.open(pub("/sse/traced-client"))) {
            assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            Http.Answer accepted = Http.send(
                    "POST",
                    pub("/invoke/traced"),
                    "{\"payload\":1,\"async\":true,\"client_id\":\"traced-client\"}",
                    Map.of("Content-Type", "application/json", "traceparent", "00-" + traceId + "-" + hex(8) + "-01"));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(stream.nextNonHeartbeat(WAIT).type()).isEqualTo("function_response");
        }
        List<ReceivedSpan> trace = awaitTrace(
                traceId,
                "POST /invoke/{function}",
                "call traced",
                "function work",
                "publish function_response",
                "redis EVAL",
                "fan-out function_response");
        ReceivedSpan server = one(trace, GATEWAY_SERVICE, "POST /invoke/{function}");
        ReceivedSpan call = one(trace, GATEWAY_SERVICE, "call traced");
        ReceivedSpan publish = one(trace, GATEWAY_SERVICE, "publish function_response");
        ReceivedSpan eval = one(trace, GATEWAY_SERVICE, "redis EVAL");
        ReceivedSpan fanOut = one(trace, GATEWAY_SERVICE, "fan-out function_response");
        assertThat(server.attribute("switchboard.async")).isEqualTo("true");
        assertThat(call.parentSpanId()).isEqualTo(server.spanId());
        assertThat(one(trace, TracedFunction.SERVICE, "function work").parentSpanId())
                .isEqualTo(call.spanId());
        assertThat(publish.parentSpanId()).isEqualTo(server.spanId());
        assertThat(eval.parentSpanId()).isEqualTo(publish.spanId());
        assertThat(eval.attribute("db.system.name")).isEqualTo("redis");
        // the announcement came back over Redis pub/sub with the publisher's span as its parent
        assertThat(fanOut.parentSpanId()).isEqualTo(publish.spanId());
        assertThat(fanOut.kind()).isEqualTo("SPAN_KIND_CONSUMER");
        assertThat(fanOut.attribute("messaging.destination.name")).isEqualTo("traced-client");
        assertThat(fanOut.attribute("switchboard.followed")).isEqualTo("true");
    }

    @Test
    void anMcpToolCallSpanNamesMethodToolAndSessionButNeverTheArguments() {
        gateway = startGateway(tracingTo(receiver));
        try (McpFunctionStub mcp = McpFunctionStub.start(false)) {
            Http.Answer registered = Http.postJson(
                    admin(gateway, "/admin/functions"),
                    "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + mcp.url() + "\"}");
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            Map<String, String> headers = new HashMap<>(
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            Http.Answer init = Http.send(
                    "POST",
                    pub("/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                            + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    headers);
            assertThat(init.status()).as(init.body()).isEqualTo(200);
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            headers.put("Mcp-Session-Id", session);
            headers.put("MCP-Protocol-Version", "2025-06-18");
            headers.put("Authorization", "Bearer not-a-real-token-7");
            String traceId = hex(16);
            headers.put("traceparent", "00-" + traceId + "-" + hex(8) + "-01");
            Http.Answer called = Http.send(
                    "POST",
                    pub("/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"password\":\"hunter2-secret\"}}}",
                    headers);
            assertThat(called.status()).as(called.body()).isEqualTo(200);

            List<ReceivedSpan> trace = awaitTrace(traceId, "tools/call echo");
            ReceivedSpan span = one(trace, GATEWAY_SERVICE, "tools/call echo");
            assertThat(span.kind()).isEqualTo("SPAN_KIND_SERVER");
            assertThat(span.attribute("mcp.method.name")).isEqualTo("tools/call");
            assertThat(span.attribute("gen_ai.tool.name")).isEqualTo("echo");
            assertThat(span.attribute("mcp.session.id")).isEqualTo(session);
            assertThat(receiver.spans())
                    .allSatisfy(s -> assertThat(s.attributes().values())
                            .noneMatch(v -> v.contains("hunter2") || v.contains("not-a-real-token")));
            // the MCP function got the span's context: its own spans would join the trace
            String sent = mcp.received().stream()
                    .filter(r -> "tools/call".equals(r.message().path("method").asText()))
                    .findFirst()
                    .orElseThrow()
                    .headers()
                    .getFirst("traceparent");
            assertThat(sent).isEqualTo("00-" + traceId + "-" + span.spanId() + "-01");

            // the same POST on the stream listener is traced alike
            String streamTraceId = hex(16);
            headers.put("traceparent", "00-" + streamTraceId + "-" + hex(8) + "-01");
            Http.Answer onStreamPort = Http.send(
                    "POST",
                    "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/mcp/tools",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
                            + "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}",
                    headers);
            assertThat(onStreamPort.status()).as(onStreamPort.body()).isEqualTo(200);
            ReceivedSpan streamSpan =
                    one(awaitTrace(streamTraceId, "tools/call echo"), GATEWAY_SERVICE, "tools/call echo");
            assertThat(streamSpan.kind()).isEqualTo("SPAN_KIND_SERVER");
            assertThat(streamSpan.attribute("mcp.session.id")).isEqualTo(session);
        }
    }

    @Test
    void withoutOtelSettingsNothingIsExportedAndNoTraceparentIsSent() throws InterruptedException {
        assertThat(GatewayTracing.fromEnvironment(
                                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url(), "OTEL_SDK_DISABLED", "true"),
                                "off")
                        .enabled())
                .isFalse();
        GatewayTracing off = GatewayTracing.fromEnvironment(Map.of(), "off");
        assertThat(off.enabled()).isFalse();
        gateway = startGateway(off);
        String traceId = hex(16);
        try (SseClient stream = SseClient.open(pub("/sse/untraced"))) {
            assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            assertThat(Http.send(
                                    "POST",
                                    pub("/invoke/traced"),
                                    "{\"payload\":1}",
                                    Map.of(
                                            "Content-Type",
                                            "application/json",
                                            "traceparent",
                                            "00-" + traceId + "-" + hex(8) + "-01"))
                            .status())
                    .isEqualTo(200);
            assertThat(Http.send(
                                    "POST",
                                    pub("/invoke/traced"),
                                    "{\"payload\":1,\"async\":true," + "\"client_id\":\"untraced\"}",
                                    Map.of(
                                            "Content-Type",
                                            "application/json",
                                            "traceparent",
                                            "00-" + traceId + "-" + hex(8) + "-01"))
                            .status())
                    .isEqualTo(202);
            assertThat(stream.nextNonHeartbeat(WAIT).type()).isEqualTo("function_response");
        }
        assertThat(function.traceparents()).hasSize(2).containsOnlyNulls();
        // a traced gateway exports within 50 ms here; give an untraced one ten times that
        Thread.sleep(500);
        assertThat(receiver.exports()).isZero();
    }
}
