package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.RedisMonitor;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each step of an MCP session sends to a real Redis, counted with {@code MONITOR}: a regression in the
 * number of commands per step (each one a round trip, or a slot in a pipelined batch) fails here. The counts
 * are those of the gateway's request path for the step's session; commands a Lua script runs count as part of
 * its one {@code EVAL}/{@code EVALSHA}. The figures are kept in bench/notes.md.
 */
class McpRedisRoundTripsTest {
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final String VERSION = "2025-11-25";
    /**
     * Most commands each step may send (the step's name to its budget). A step's session lookup is no command
     * within the renewal interval of the replica's last renewal (its copy of the record), else one renew script:
     * each budget allows the script, as a slow machine may take longer than the interval between steps.
     */
    private static final Map<String, Integer> BUDGET = new LinkedHashMap<>();

    static {
        BUDGET.put("initialize", 2);
        BUDGET.put("notifications/initialized", 1);
        BUDGET.put("tools/call, JSON answer", 1);
        // answered before its stream opening was due: one JSON answer, nothing logged for a resume
        BUDGET.put("tools/call at once, client takes both", 1);
        // the lookup, then the appends of the request's id with the first progress notification (one script), of
        // the second and of the response (the priming event is not logged)
        BUDGET.put("tools/call, SSE answer", 4);
        // one of them the opening's signal to the session's replicas (a script, not awaited): one standalone
        // stream per session across the fleet
        BUDGET.put("GET stream, open and close", 6);
        BUDGET.put("DELETE", 3);
    }

    private static TestRedis redis;
    private static McpFunctionStub function;
    private static Gateway gateway;
    private final List<String> sessions = new ArrayList<>();

    @BeforeAll
    static void start() {
        redis = TestRedis.startPrivate();
        function = McpFunctionStub.start(false);
        Map<String, String> values =
                new HashMap<>(TestGateways.callingLoopback("REDIS_URL", redis.url(), "HEARTBEAT_INTERVAL", "200ms"));
        gateway = Gateway.start(GatewayConfig.from(values));
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"2s\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        function.close();
        redis.close();
    }

    @Test
    void eachStepOfASessionSendsAtMostItsBudgetOfCommands() {
        // a first session warms everything up (and leaves a member in the server's index to be sampled)
        runSession(null);
        Map<String, List<RedisMonitor.Command>> counted = new LinkedHashMap<>();
        try (RedisMonitor monitor = RedisMonitor.start(redis.host(), redis.port())) {
            runSession(new Steps(monitor, counted));
        }
        StringBuilder table = new StringBuilder();
        counted.forEach((step, commands) -> {
            table.append(String.format(
                    "%-28s %d  %s%n",
                    step,
                    commands.size(),
                    commands.stream().map(RedisMonitor.Command::name).toList()));
        });
        System.out.println("Redis commands per MCP session step:\n" + table);
        counted.forEach((step, commands) ->
                assertThat(commands.size()).as(step + "\n" + table).isLessThanOrEqualTo(BUDGET.get(step)));
    }

    /** Drains the monitor after each step and keeps the step's commands. */
    private final class Steps {
        private final RedisMonitor monitor;
        private final Map<String, List<RedisMonitor.Command>> counted;

        Steps(RedisMonitor monitor, Map<String, List<RedisMonitor.Command>> counted) {
            this.monitor = monitor;
            this.counted = counted;
            monitor.drain(150, 2000, c -> false);
        }

        void done(String step) {
            counted.put(step, monitor.drain(150, 3000, this::ofTheSession));
        }

        /**
         * The step's own commands: those naming a session (its own, or one it samples), the servers' session
         * indexes, and the forgetting of a stream's connection record (HDEL by connection id).
         */
        private boolean ofTheSession(RedisMonitor.Command c) {
            if (c.fromScript()) {
                return false;
            }
            String line = c.line();
            if (line.contains("{mcp-server:") || (c.name().equals("HDEL") && line.contains("connections"))) {
                return true;
            }
            Predicate<String> named = line::contains;
            return sessions.stream().anyMatch(named);
        }
    }

    private void runSession(Steps steps) {
        Http.Answer init = post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"" + VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                        + "\"version\":\"1\"}}}",
                Map.of());
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        sessions.add(session);
        step(steps, "initialize");
        Map<String, String> in = Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", VERSION);

        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", in)
                        .status())
                .isEqualTo(202);
        step(steps, "notifications/initialized");

        Map<String, String> jsonOnly = new HashMap<>(in);
        jsonOnly.put("Accept", "application/json");
        Http.Answer json = post(call(2, "echo"), jsonOnly);
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        assertThat(json.json().path("result").isObject()).as(json.body()).isTrue();
        step(steps, "tools/call, JSON answer");

        Http.Answer atOnce = post(call(4, "echo"), in);
        if (steps != null) {
            // warm: answered well within the stream opening's hold (the warm-up's first calls may not be)
            assertThat(atOnce.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(atOnce.json().path("result").isObject())
                    .as(atOnce.body())
                    .isTrue();
        }
        step(steps, "tools/call at once, client takes both");

        Http.Answer sse = post(call(3, "progress"), in);
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<SseClient.Event> events = SseClient.parse(sse.body());
        assertThat(events.getLast().data()).contains("\"result\"");
        step(steps, "tools/call, SSE answer");

        Map<String, String> get = new HashMap<>(in);
        try (SseClient stream = SseClient.open(mcp(), get)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.next(Duration.ofSeconds(5)))
                    .as("the priming event")
                    .isNotNull();
        }
        awaitReleased(session);
        step(steps, "GET stream, open and close");

        if (steps == null) {
            // the warm-up's DELETE renews the session (its last renewal is older than the interval): every
            // script has run once, so the measured steps see no first-use NOSCRIPT
            sleep(1100);
        }
        Http.Answer deleted = Http.send("DELETE", mcp(), null, in);
        assertThat(deleted.status()).isEqualTo(204);
        step(steps, "DELETE");
    }

    /** The stream's record leaves the fleet's directory once this replica noticed the client left. */
    private void awaitReleased(String session) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline
                && gateway.state().connections().list().stream()
                        .anyMatch(c -> c.toString().contains(session))) {
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void step(Steps steps, String name) {
        if (steps != null) {
            steps.done(name);
        }
    }

    private static String mcp() {
        return "http://127.0.0.1:" + gateway.port() + "/mcp/tools";
    }

    private static Http.Answer post(String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        all.putAll(headers);
        return Http.send("POST", mcp(), body, all);
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"x\":1},\"_meta\":{\"progressToken\":\"t\"}}}";
    }
}
