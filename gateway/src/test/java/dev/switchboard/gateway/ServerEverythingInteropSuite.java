package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.InteropChecklist;
import dev.switchboard.gateway.support.ServerEverything;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One official MCP SDK client runs the checks of {@code testing/mcp-servers/interop-checks.json} against the real
 * stateful {@code @modelcontextprotocol/server-everything} directly and through the gateway - two replicas on one
 * Redis behind a round-robin forwarder, or one replica on the in-memory store - over Streamable HTTP and HTTP+SSE:
 * every tool, resource, prompt, completion, sampling, elicitation, roots, logging level and resource subscription
 * must come out the same, and the direct run must meet the checklist's expectations (so a baseline broken on both
 * paths alike cannot pass). Over HTTP+SSE the direct baseline is the server's own {@code sse} mode, as the same
 * transport is the only fair comparison. Each SDK is a subclass: the checklist, the servers and the fleet are shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerEverythingInteropSuite {
    private final InteropChecklist checklist = InteropChecklist.load();
    private ServerEverything server;
    /** The same server in its HTTP+SSE mode: what the client sees over that transport directly. */
    private ServerEverything sseServer;
    /** Each transport's outcome with the client connected directly. */
    private final Map<String, JsonNode> direct = new HashMap<>();

    /** How much of the client's trace a failed check shows. */
    private static final int TRACE_LINES = 60;

    private final List<Gateway> gateways = new ArrayList<>();
    private TcpForwarder balancer;

    /**
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @return the client's outcome: each check's name to {@code {ok, value}} or {@code {ok, error}}, normalized
     */
    protected abstract JsonNode runClient(String url, String transport);

    /**
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @param between what happens between the checklist's {@code restart.before} and {@code restart.after}
     *        checks, while the client keeps its session
     * @return the client's outcome: {@code before:<check>} and {@code after:<check>} outcomes, normalized
     */
    protected abstract JsonNode runClientAcrossRestart(String url, String transport, Runnable between);

    /** @return the last run's trace of what the client sent and received, if the client keeps one, else "" */
    protected String clientTrace() {
        return "";
    }

    @BeforeAll
    void startServers() {
        server = ServerEverything.start();
        sseServer = ServerEverything.start("sse");
        direct.put("streamable-http", directRun(server.url(), "streamable-http"));
        direct.put("sse", directRun(sseServer.url(), "sse"));
    }

    private JsonNode directRun(String url, String transport) {
        JsonNode outcome = keep(runClient(url, transport), "direct-" + transport);
        // the baseline itself must be a full run that means what the checklist says, or equality proves little
        assertThat(names(outcome))
                .as("checks run directly over %s", transport)
                .containsExactlyElementsOf(checklist.outcomeNames());
        assertThat(checklist.unmetExpectations(outcome))
                .as("direct run over %s", transport)
                .isEmpty();
        return outcome;
    }

    /** @return server-everything's own MCP endpoint (Streamable HTTP), the gateway's functions' endpoint */
    protected String serverUrl() {
        return server.url();
    }

    @AfterAll
    void stopServers() {
        for (ServerEverything s : new ServerEverything[] {server, sseServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @AfterEach
    void stopFleet() {
        if (balancer != null) {
            balancer.close();
            balancer = null;
        }
        gateways.forEach(Gateway::close);
        gateways.clear();
    }

    private Gateway gateway(String replica, boolean redis) {
        Map<String, String> config =
                new HashMap<>(TestGateways.callingLoopback("REPLICA_ID", replica, "STREAM_PORT", "0"));
        if (redis) {
            config.put("REDIS_URL", TestRedis.shared().url());
        }
        Gateway gateway = Gateway.start(GatewayConfig.from(config));
        gateways.add(gateway);
        return gateway;
    }

    /**
     * @param listener {@code public} ({@code PORT}) or {@code stream} ({@code STREAM_PORT})
     * @return the port clients use: a round-robin forwarder over two Redis replicas' listeners, or the one memory
     *         replica's
     */
    protected int startFleet(String store, String listener) {
        java.util.function.ToIntFunction<Gateway> port =
                listener.equals("stream") ? g -> g.streamPort().orElseThrow() : Gateway::port;
        boolean redis = store.equals("redis");
        if (redis) {
            TestRedis.shared().flush();
        }
        Gateway a = gateway("a", redis);
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + a.adminPort() + "/admin/functions",
                "{\"name\":\"everything\",\"kind\":\"mcp\",\"endpoint\":\"" + server.url() + "\",\"timeout\":\"20s\"}");
        assertThat(registered.status()).isEqualTo(201);
        if (!redis) {
            return port.applyAsInt(a);
        }
        Gateway b = gateway("b", true);
        balancer = TcpForwarder.start(port.applyAsInt(a), port.applyAsInt(b));
        return balancer.port();
    }

    @ParameterizedTest(name = "{0} store, {1}, {3} listener")
    @CsvSource({
        "redis, streamable-http, /mcp/everything, public", "redis, sse, /mcp/everything/sse, public",
        "memory, streamable-http, /mcp/everything, public", "memory, sse, /mcp/everything/sse, public",
        // HTTP+SSE on STREAM_PORT: the stream held by a loop, the messages posted round-robin to both replicas
        "redis, sse, /mcp/everything/sse, stream"
    })
    void everyCheckComesOutAsItDoesDirectly(String store, String transport, String path, String listener) {
        int port = startFleet(store, listener);

        JsonNode throughGateway = keep(
                runClient("http://127.0.0.1:" + port + path, transport),
                "gateway-" + store + "-" + transport + "-" + listener);

        // check by check, so a failure names the check and shows both outcomes
        JsonNode baseline = direct.get(transport);
        assertThat(names(throughGateway)).containsExactlyElementsOf(names(baseline));
        baseline.properties()
                .forEach(check -> assertThat(throughGateway.get(check.getKey()))
                        .as(() -> withTrace(
                                "check %s through the gateway (%s, %s)".formatted(check.getKey(), store, transport)))
                        .isEqualTo(check.getValue()));
    }

    @ParameterizedTest(name = "{0} store, {1}")
    @CsvSource({
        "redis, streamable-http, /mcp/everything", "redis, sse, /mcp/everything/sse",
        "memory, streamable-http, /mcp/everything", "memory, sse, /mcp/everything/sse"
    })
    void aServerRestartMidSessionIsSurvivedWithoutReinitializing(String store, String transport, String path) {
        int port = startFleet(store, "public");

        JsonNode outcome = keep(
                runClientAcrossRestart("http://127.0.0.1:" + port + path, transport, server::restart),
                "restart-" + store + "-" + transport);

        // every check before and after the restart comes out as it does directly (on a server that never
        // restarted), in the one session the client opened: the gateway re-initialized the server's session
        JsonNode baseline = direct.get(transport);
        List<String> expected = new ArrayList<>(List.of("connect"));
        checklist.restart().path("before").forEach(name -> expected.add("before:" + name.asText()));
        checklist.restart().path("after").forEach(name -> expected.add("after:" + name.asText()));
        assertThat(names(outcome)).containsExactlyElementsOf(expected);
        outcome.properties()
                .forEach(check -> assertThat(check.getValue())
                        .as(() -> withTrace("check %s across a server restart (%s, %s)"
                                .formatted(check.getKey(), store, transport)))
                        .isEqualTo(baseline.get(
                                check.getKey().substring(check.getKey().indexOf(':') + 1))));
        // a client that re-initialized (the Java SDK does so by itself on a 404) would have opened a second one
        assertThat(gateways.stream()
                        .mapToLong(ServerEverythingInteropSuite::sessionsOpened)
                        .sum())
                .as("gateway sessions initialized")
                .isEqualTo(1);
    }

    /** @return {@code switchboard_mcp_sessions_opened_total} on that replica (0 before its first session) */
    private static long sessionsOpened(Gateway gateway) {
        String metrics =
                Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics").body();
        return metrics.lines()
                .filter(line -> line.startsWith("switchboard_mcp_sessions_opened_total"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** The end of the client's trace, shown with a failed check: a rare failure then says where the session stopped. */
    private String withTrace(String description) {
        List<String> lines = clientTrace().lines().toList();
        if (lines.isEmpty()) {
            return description;
        }
        return description + "; the client's trace (ms since its start), last lines:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - TRACE_LINES), lines.size()));
    }

    /**
     * Writes the outcome (and the client's trace) to target/interop/ (to read both sides of a failed check in full),
     * and returns it.
     */
    private JsonNode keep(JsonNode outcome, String label) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "interop"));
            Files.writeString(
                    dir.resolve(getClass().getSimpleName() + "-" + label + ".json"), outcome.toPrettyString());
            if (!clientTrace().isEmpty()) {
                Files.writeString(dir.resolve(getClass().getSimpleName() + "-" + label + ".trace"), clientTrace());
            }
        } catch (IOException e) {
            // only a convenience for reading failures
        }
        return outcome;
    }

    private static List<String> names(JsonNode outcome) {
        List<String> names = new ArrayList<>();
        outcome.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
