package dev.switchboard.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.ServerEverything;
import dev.switchboard.gateway.support.TcpForwarder;
import dev.switchboard.gateway.support.TypeScriptSdkClient;
import dev.switchboard.testing.TestRedis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP TypeScript SDK client runs the same fixed checks against the real stateful
 * {@code @modelcontextprotocol/server-everything} (streamableHttp) directly and through the gateway - two replicas
 * on one Redis behind a round-robin forwarder, or one replica on the in-memory store - over Streamable HTTP and
 * HTTP+SSE: every tool, resource, prompt, completion, sampling, elicitation, roots, logging level and resource
 * subscription must come out the same (testing/mcp-servers/interop-client.mjs lists the checks). Over HTTP+SSE
 * the direct baseline is the server's own {@code sse} mode: the SDK's SSE client drops a progress notification
 * that arrives in the same read as its response (it handles notifications a microtask later, after the response
 * removed the progress handler), directly as through the gateway, so only the same transport compares fairly.
 */
class McpTypeScriptSdkInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerEverything server;
    /** The same server in its HTTP+SSE mode: what the client sees over that transport directly. */
    private static ServerEverything sseServer;
    /** Each transport's outcome with the client connected directly. */
    private static final Map<String, JsonNode> DIRECT = new HashMap<>();
    private final List<Gateway> gateways = new ArrayList<>();
    private TcpForwarder balancer;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerEverything.start();
        sseServer = ServerEverything.start("sse");
        DIRECT.put("streamable-http", directRun(server.url(), "streamable-http"));
        DIRECT.put("sse", directRun(sseServer.url(), "sse"));
    }

    private static JsonNode directRun(String url, String transport) throws Exception {
        JsonNode direct = JSON.readTree(TypeScriptSdkClient.run(url, transport));
        // the baseline itself must be a full run, or equality through the gateway would prove little
        direct.properties().forEach(check -> assertThat(check.getValue().path("ok").asBoolean())
                .as("direct check %s over %s: %s", check.getKey(), transport, check.getValue()).isTrue());
        assertThat(direct.size()).isGreaterThan(20);
        return direct;
    }

    @AfterAll
    static void stopServer() {
        for (ServerEverything s : new ServerEverything[] {server, sseServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.close();
        }
        gateways.forEach(Gateway::close);
    }

    private Gateway gateway(String replica, boolean redis) {
        Map<String, String> config = new HashMap<>(Map.of(
                "HOST", "127.0.0.1", "PORT", "0", "ADMIN_PORT", "0", "REPLICA_ID", replica,
                "SHUTDOWN_GRACE", "1s", "FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8"));
        if (redis) {
            config.put("REDIS_URL", TestRedis.shared().url());
        }
        Gateway gateway = Gateway.start(GatewayConfig.from(config));
        gateways.add(gateway);
        return gateway;
    }

    /** @return the port clients use: a round-robin forwarder over two Redis replicas, or the one memory replica */
    private int startFleet(String store) {
        boolean redis = store.equals("redis");
        if (redis) {
            TestRedis.shared().flush();
        }
        Gateway a = gateway("a", redis);
        Http.Answer registered = Http.postJson("http://127.0.0.1:" + a.adminPort() + "/admin/functions",
                "{\"name\":\"everything\",\"kind\":\"mcp\",\"endpoint\":\"" + server.url() + "\",\"timeout\":\"20s\"}");
        assertThat(registered.status()).isEqualTo(201);
        if (!redis) {
            return a.port();
        }
        Gateway b = gateway("b", true);
        balancer = TcpForwarder.start(a.port(), b.port());
        return balancer.port();
    }

    @ParameterizedTest(name = "{0} store, {1}")
    @CsvSource({"redis, streamable-http, /mcp/everything", "redis, sse, /mcp/everything/sse",
                "memory, streamable-http, /mcp/everything", "memory, sse, /mcp/everything/sse"})
    void everyCheckComesOutAsItDoesDirectly(String store, String transport, String path) throws Exception {
        int port = startFleet(store);

        JsonNode throughGateway = JSON.readTree(TypeScriptSdkClient.run("http://127.0.0.1:" + port + path, transport));

        // check by check, so a failure names the check and shows both outcomes
        JsonNode direct = DIRECT.get(transport);
        assertThat(names(throughGateway)).containsExactlyElementsOf(names(direct));
        direct.properties().forEach(check -> assertThat(throughGateway.get(check.getKey()))
                .as("check %s through the gateway (%s, %s)", check.getKey(), store, transport)
                .isEqualTo(check.getValue()));
    }

    private static List<String> names(JsonNode outcome) {
        List<String> names = new ArrayList<>();
        outcome.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
