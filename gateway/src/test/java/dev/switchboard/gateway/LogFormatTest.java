package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.OtlpReceiver;
import dev.switchboard.testing.TestRedis;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code LOG_FORMAT}: a gateway process logging JSON writes one object per line (time, level, logger, message,
 * and the request id, trace id and span id of the call a line is about, here from the thread delivering an async
 * result while Redis is down); the default stays readable text; an unknown format stops the gateway with a configuration error.
 */
class LogFormatTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A text line of logging.properties' format: time, level, logger. */
    private static final String TEXT_LINE =
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARNING|SEVERE) .*";

    private static Path log(String name) throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve(name);
        Files.deleteIfExists(log);
        return log;
    }

    /** The log's JUL lines (the JVM itself may print warnings of its own on stderr). */
    private static List<String> lines(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("WARNING: "))
                .toList();
    }

    @Test
    void jsonLogsAreOneObjectPerLineCarryingTheRequestAndTraceIds() throws Exception {
        Path log = log("log-format-json.log");
        String requestId;
        // traced too (OTEL_* in the process's environment, read by Main): lines of a traced call carry its ids
        String traceId = "5af7183fb1d4cf5f8c3a2b1e0d9c8b7a";
        try (TestRedis redis = TestRedis.startPrivate();
                FunctionServer functions = FunctionServer.start();
                OtlpReceiver otlp = OtlpReceiver.start();
                GatewayProcess gateway = GatewayProcess.start(
                        "json-logs",
                        Map.of(
                                "REDIS_URL",
                                redis.url(),
                                "LOG_FORMAT",
                                "json",
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                otlp.url(),
                                "OTEL_BSP_SCHEDULE_DELAY",
                                "50",
                                "ASYNC_DELIVERY_TIMEOUT",
                                "3s"),
                        log)) {
            assertThat(Http.postJson(
                                    gateway.admin("/admin/functions"),
                                    "{\"name\":\"slow\",\"endpoint\":\"" + functions.url("/slow")
                                            + "\",\"timeout\":\"10s\"}")
                            .status())
                    .isEqualTo(201);
            Http.Answer accepted = Http.send(
                    "POST",
                    gateway.pub("/invoke/slow"),
                    "{\"payload\":1,\"async\":true,\"client_id\":\"logged\"}",
                    Map.of(
                            "Content-Type",
                            "application/json",
                            "traceparent",
                            "00-" + traceId + "-00f067aa0ba902b7-01"));
            assertThat(accepted.status()).isEqualTo(202);
            requestId = accepted.json().get("request_id").asText();
            // the gateway process exports its spans: Main set tracing up from the environment
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> otlp.trace(traceId).stream()
                            .anyMatch(span -> span.name().equals("POST /invoke/{function}")
                                    && span.service().equals("switchboard-gateway")));
            // the result cannot be delivered: after ASYNC_DELIVERY_TIMEOUT (3 s here, 60 s by default) of retries
            // the warning about it is logged on the async call's thread
            redis.stop();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Files.readString(log).contains("could not deliver the result"));
        }
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines(log)) {
            JsonNode entry = mapper.readTree(line);
            assertThat(entry.isObject()).as(line).isTrue();
            assertThat(entry.get("time").asText())
                    .as(line)
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4}");
            assertThat(entry.get("level").asText()).as(line).isIn("INFO", "WARNING", "SEVERE");
            assertThat(entry.get("logger").asText()).as(line).isNotBlank();
            assertThat(entry.has("message")).as(line).isTrue();
            entries.add(entry);
        }
        assertThat(entries)
                .anySatisfy(e ->
                        assertThat(e.get("message").asText()).startsWith("Switchboard gateway json-logs listening"));
        assertThat(entries)
                .as("the stop, reported by the shutdown hook in the log's format")
                .anySatisfy(e -> assertThat(e.get("message").asText()).startsWith("switchboard: stopped in"));
        JsonNode undelivered = entries.stream()
                .filter(e -> e.get("message").asText().contains("could not deliver the result"))
                .findFirst()
                .orElseThrow();
        assertThat(undelivered.get("level").asText()).isEqualTo("WARNING");
        assertThat(undelivered.get("logger").asText()).isEqualTo("dev.switchboard.gateway.api.Invocations");
        assertThat(undelivered.get("request_id"))
                .as("the call's id, from the MDC")
                .isNotNull();
        assertThat(undelivered.get("request_id").asText()).isEqualTo(requestId);
        assertThat(undelivered.get("message").asText()).contains(requestId);
        // logged inside the call's "publish function_response" span
        assertThat(undelivered.get("trace_id").asText()).isEqualTo(traceId);
        assertThat(undelivered.get("span_id").asText()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(entries)
                .filteredOn(e -> e.get("message").asText().startsWith("Switchboard gateway"))
                .allSatisfy(e -> assertThat(e.has("request_id"))
                        .as("no id outside a call")
                        .isFalse())
                .allSatisfy(e -> assertThat(e.has("trace_id"))
                        .as("no trace outside a call")
                        .isFalse());
    }

    @Test
    void textIsTheDefault() throws Exception {
        Path log = log("log-format-text.log");
        try (GatewayProcess gateway = GatewayProcess.start("text-logs", Map.of(), log)) {
            assertThat(Http.get(gateway.admin("/health/live")).status()).isEqualTo(200);
        }
        assertThat(lines(log))
                .isNotEmpty()
                .anySatisfy(l -> assertThat(l).matches(TEXT_LINE).contains("Switchboard gateway text-logs listening"));
        assertThat(lines(log)).noneMatch(l -> l.startsWith("{"));
        assertThat(lines(log))
                .as("the heap's bound, said once at start (GatewayProcess runs with -Xmx256m)")
                .anySatisfy(l -> assertThat(l).contains("INFO").endsWith("heap bound 256 MB (-Xmx)"));
    }

    @Test
    void anUnknownFormatIsAConfigurationError() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.switchboard.gateway.Main")
                .redirectErrorStream(true)
                .directory(new File(System.getProperty("java.io.tmpdir")));
        builder.environment().put("LOG_FORMAT", "xml");
        builder.environment().put("PORT", "0");
        builder.environment().put("ADMIN_PORT", "0");
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("configuration error: LOG_FORMAT: must be text or json, not 'xml'");
    }
}
