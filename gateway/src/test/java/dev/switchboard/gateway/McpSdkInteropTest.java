package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP Java SDK client (2.1.0), which nobody here wrote, against the gateway in front of a
 * stateless function, over both session transports and each session-based revision it speaks.
 */
class McpSdkInteropTest {
    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void start() {
        TestRedis.shared().flush();
        function = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(
                TestGateways.callingLoopback("REDIS_URL", TestRedis.shared().url())));
        Http.Answer a = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"3s\"}");
        assertThat(a.status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
        function.close();
    }

    private String base() {
        return "http://127.0.0.1:" + gateway.port();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
    void streamableHttpClientsOfEachRevision(String version) {
        McpClientTransport transport = HttpClientStreamableHttpTransport.builder(base())
                .endpoint("/mcp/tools")
                .supportedProtocolVersions(List.of(version))
                .build();
        exercise(transport, version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05"})
    void httpPlusSseClients(String version) {
        @SuppressWarnings("deprecation")
        McpClientTransport transport = HttpClientSseClientTransport.builder(base())
                .sseEndpoint("/mcp/tools/sse")
                .build();
        exercise(transport, version);
    }

    private void exercise(McpClientTransport transport, String expectedVersion) {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<McpSchema.ElicitRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(10))
                .capabilities(
                        McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Grace"));
                })
                .progressConsumer(progress::add)
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.protocolVersion()).isEqualTo(expectedVersion);
            assertThat(init.serverInfo().name()).isEqualTo("stub");
            client.ping();

            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("x", 1)));
            assertThat(((McpSchema.TextContent) echo.content().getFirst()).text())
                    .isEqualTo("echo: {\"x\":1}");

            McpSchema.CallToolResult streamed = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("progress")
                    .arguments(Map.of())
                    .progressToken("t")
                    .build());
            assertThat(((McpSchema.TextContent) streamed.content().getFirst()).text())
                    .isEqualTo("done");
            assertThat(progress)
                    .extracting(McpSchema.ProgressNotification::progress)
                    .containsExactly(50.0, 100.0);

            // the stateless function's input_required becomes a real elicitation request to this client
            McpSchema.CallToolResult bridged = client.callTool(new McpSchema.CallToolRequest("ask", Map.of()));
            assertThat(((McpSchema.TextContent) bridged.content().getFirst()).text())
                    .isEqualTo("Hello, Grace (state opaque-1)");
            assertThat(asked).hasSize(1);

            McpSchema.CallToolResult failed = null;
            try {
                failed = client.callTool(new McpSchema.CallToolRequest("fail", Map.of()));
            } catch (RuntimeException e) {
                assertThat(e).hasMessageContaining("HTTP 500");
            }
            assertThat(failed)
                    .as("a failing function is an error for that call")
                    .isNull();
            assertThat(((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("echo", Map.of()))
                                    .content()
                                    .getFirst())
                            .text())
                    .as("the session survives")
                    .startsWith("echo:");
        } finally {
            client.closeGracefully();
        }
    }
}
