package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.examples.mcp.McpFunction;
import dev.switchboard.examples.mcp.Pusher;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The set-up the MCP push, listen and stream-listener suites share: two gateway replicas, A and B, on one state
 * store (in memory, one replica plays both: {@link #a} and {@link #b} are the same), and the example MCP function
 * registered as {@code tools}, pushing through one replica's admin listener. Each suite adds its own settings, and
 * its own registrations through {@link #register}.
 */
final class McpReplicas implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    /** How long a suite waits for anything to arrive. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Replica A. */
    final Gateway a;
    /** Replica B, or A when the store is in memory. */
    final Gateway b;
    /** The example MCP function ({@code tools}). */
    final HttpServer function;

    private final Map<String, String> env;

    private McpReplicas(Map<String, String> env, String replica, boolean twoReplicas, boolean pushThroughB) {
        this.env = env;
        this.a = gateway(replica + "-a");
        Gateway second = null;
        HttpServer started = null;
        try {
            second = twoReplicas ? gateway(replica + "-b") : a;
            Gateway pushedThrough = pushThroughB ? second : a;
            started = McpFunction.start(
                    "127.0.0.1",
                    0,
                    new byte[32],
                    new Pusher(
                            URI.create("http://127.0.0.1:" + pushedThrough.adminPort() + "/publish/mcp/tools"),
                            Map.of("Authorization", "Bearer " + ADMIN_TOKEN)));
        } catch (IOException | RuntimeException e) {
            a.close();
            if (second != null && second != a) {
                second.close();
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        this.b = second;
        this.function = started;
    }

    /**
     * Starts the replicas and the function, and registers {@code tools} through replica A.
     *
     * @param replica      the replicas' id prefix ({@code <replica>-a}, {@code <replica>-b})
     * @param twoReplicas  whether the store lets two replicas share state (Redis)
     * @param store        the state store's settings
     * @param settings     the suite's own settings
     * @param pushThroughB whether the function pushes through replica B's admin listener (else A's)
     * @return the running set-up; close it
     */
    static McpReplicas start(
            String replica,
            boolean twoReplicas,
            Map<String, String> store,
            Map<String, String> settings,
            boolean pushThroughB) {
        Map<String, String> env = new HashMap<>(TestGateways.callingLoopback("ADMIN_TOKEN", ADMIN_TOKEN));
        env.putAll(settings);
        env.putAll(store);
        McpReplicas replicas = new McpReplicas(env, replica, twoReplicas, pushThroughB);
        try {
            replicas.register(replicas.a, "tools", "mcp", replicas.functionEndpoint());
        } catch (RuntimeException | AssertionError e) {
            replicas.close();
            throw e;
        }
        return replicas;
    }

    /**
     * @param replica its id
     * @return one more replica with the same settings; the caller closes it
     */
    Gateway gateway(String replica) {
        Map<String, String> settings = new HashMap<>(env);
        settings.put("REPLICA_ID", replica);
        return Gateway.start(GatewayConfig.from(settings));
    }

    /** @return the example function's MCP endpoint */
    String functionEndpoint() {
        return "http://127.0.0.1:" + function.getAddress().getPort() + "/mcp";
    }

    /** Registers a function through a replica's admin API (timeout 5 s). */
    void register(Gateway via, String name, String kind, String endpoint) {
        Http.Answer r = Http.send(
                "POST",
                "http://127.0.0.1:" + via.adminPort() + "/admin/functions",
                "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"endpoint\":\"" + endpoint
                        + "\",\"timeout\":\"5s\"}",
                admin());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /**
     * Waits until both replicas serve the MCP servers: a registration reaches the other replica's catalog
     * through the store's change channel.
     */
    void awaitServed(String... servers) {
        for (Gateway g : List.of(a, b)) {
            awaitServed(g, servers);
        }
    }

    /** Waits until one replica serves the MCP servers ({@code GET} without a session is 405). */
    static void awaitServed(Gateway g, String... servers) {
        for (String server : servers) {
            await().atMost(WAIT)
                    .until(() -> Http.get("http://127.0.0.1:" + g.port() + "/mcp/" + server)
                                    .status()
                            == 405);
        }
    }

    /**
     * What an SDK client of the example MCP function must be able to do through the gateway: list its tools and
     * call one.
     *
     * @param client an initialized client
     */
    static void listsAndCallsTheExampleTool(io.modelcontextprotocol.client.McpSyncClient client) {
        io.modelcontextprotocol.spec.McpSchema.ListToolsResult tools = client.listTools();
        assertThat(tools.tools())
                .extracting(io.modelcontextprotocol.spec.McpSchema.Tool::name)
                .contains("test_simple_text");
        io.modelcontextprotocol.spec.McpSchema.CallToolResult called = client.callTool(
                new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("test_simple_text", Map.of()));
        assertThat(called.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(called.content()).isNotEmpty();
    }

    /** @return the admin API's headers */
    static Map<String, String> admin() {
        return Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json");
    }

    @Override
    public void close() {
        a.close();
        if (b != a) {
            b.close();
        }
        function.stop(0);
    }
}
