package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.HeadlessBrowser;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.PageServer;
import dev.switchboard.gateway.support.TestGateways;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A page on another origin uses the gateway's MCP endpoint from a real headless Chromium with
 * {@code fetch}: initialize (reading {@code Mcp-Session-Id}), call a tool whose answer streams progress
 * as {@code text/event-stream}, end the session. A page on an origin off {@code MCP_ALLOWED_ORIGINS} is
 * refused by the browser itself. Needs {@code chromium} and {@code chromium-driver} (see
 * {@link HeadlessBrowser}).
 */
class McpBrowserTest {
    private static final String KEY = "sk-browser-0123456789abcdef0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HeadlessBrowser browser;
    private static PageServer allowedPages;
    private static PageServer otherPages;
    private static McpFunctionStub function;
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        browser = HeadlessBrowser.start();
        allowedPages = PageServer.start();
        otherPages = PageServer.start();
        function = McpFunctionStub.start(false);
        gateway = Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "CLIENT_AUTH",
                "api-key",
                "API_KEYS",
                "page:" + ApiKeyHash.of(KEY),
                "MCP_ALLOWED_ORIGINS",
                allowedPages.origin())));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"5s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable part : new AutoCloseable[] {browser, gateway, function, allowedPages, otherPages}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // the others still close
            }
        }
    }

    private static String clientPage() {
        try (InputStream in = McpBrowserTest.class.getResourceAsStream("/pages/mcp-client.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${endpoint}", "http://127.0.0.1:" + gateway.port() + "/mcp/tools")
                    .replace("${key}", KEY);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long initializes() {
        return function.received().stream()
                .filter(r -> r.message() != null
                        && "initialize".equals(r.message().path("method").asText()))
                .count();
    }

    @Test
    void aPageOnAnAllowedOriginInitializesCallsAToolAndReadsItsStream() throws Exception {
        browser.open(allowedPages.put("/mcp.html", clientPage()));
        String result = browser.awaitText("#result, #error", WAIT);
        assertThat(browser.text("#error")).as("the page's error").isEmpty();
        JsonNode shown = new ObjectMapper().readTree(result);
        assertThat(shown.get("contentType").asText()).startsWith("text/event-stream");
        assertThat(shown.get("progress")).extracting(JsonNode::asInt).containsExactly(50, 100);
        assertThat(shown.get("text").asText()).isEqualTo("done");
        assertThat(shown.get("deleted").asInt()).isEqualTo(204);
        assertThat(browser.text("#session")).matches("[\\x21-\\x7e]{32,}");
        assertThat(browser.text("#progress")).contains("50 / 100", "100 / 100");
        assertThat(function.last("tools/call").headers().getFirst("Authorization"))
                .as("the client's credentials stay at the gateway")
                .isNull();
    }

    @Test
    void aPageOnAnotherOriginIsRefusedByTheBrowser() {
        long before = initializes();
        browser.open(otherPages.put("/mcp.html", clientPage()));
        String error = browser.awaitText("#error", WAIT);
        assertThat(error)
                .as("fetch rejects: the preflight carries no Access-Control-Allow-Origin")
                .startsWith("TypeError");
        assertThat(browser.text("#result")).isEmpty();
        assertThat(initializes()).as("the request never left the browser").isEqualTo(before);
    }
}
