package dev.switchboard.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.HeadlessBrowser;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The monitoring page in a real headless Chromium, served by one of two replicas on one real Redis: it logs in
 * with the admin token, shows the fleet's connections rise and fall as the test opens and closes streams on
 * both replicas, shows a function turn unhealthy when its health check fails, and shows an error for a wrong
 * token. Takes the README's {@code monitoring.png} ({@link HeadlessBrowser#screenshot(String)}).
 */
class MonitorPageTest {
    private static final String TOKEN = "monitor-admin-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HeadlessBrowser browser;
    private static FunctionServer functions;
    private static McpFunctionStub mcpFunction;
    private static Gateway a;
    private static Gateway b;

    @BeforeAll
    static void start() {
        browser = HeadlessBrowser.start();
        TestRedis.shared().flush();
        functions = FunctionServer.start();
        mcpFunction = McpFunctionStub.start(false);
        a = replica("replica-a");
        b = replica("replica-b");
    }

    private static Gateway replica(String id) {
        return Gateway.start(GatewayConfig.from(TestGateways.callingLoopback(
                "REDIS_URL",
                TestRedis.shared().url(),
                "REPLICA_ID",
                id,
                "ADMIN_TOKEN",
                TOKEN,
                "MONITOR_INTERVAL",
                "500ms",
                "HEARTBEAT_INTERVAL",
                "1s")));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable part : new AutoCloseable[] {browser, a, b, functions, mcpFunction}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // the others still close
            }
        }
    }

    private static String admin(Gateway g, String path) {
        return "http://127.0.0.1:" + g.adminPort() + path;
    }

    private static String pub(Gateway g, String path) {
        return "http://127.0.0.1:" + g.port() + path;
    }

    private static Http.Answer asAdmin(String method, String url, String body) {
        return Http.send(
                method, url, body, Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"));
    }

    /** Opens the page afresh (no token kept in the tab) and submits a token in its form. */
    private static void logIn(Gateway g, String token) {
        browser.open(admin(g, "/admin/ui"));
        ((JavascriptExecutor) browser.driver()).executeScript("sessionStorage.clear()");
        browser.open(admin(g, "/admin/ui"));
        browser.driver().findElement(By.id("token")).sendKeys(token);
        browser.driver()
                .findElement(By.cssSelector("#login button[type=submit]"))
                .click();
    }

    /** Reads an element's text in one script call: the page re-renders its tables on every update. */
    private static String shown(String cssSelector) {
        Object text = ((JavascriptExecutor) browser.driver())
                .executeScript(
                        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';",
                        cssSelector);
        return text == null ? "" : text.toString();
    }

    private static void awaitShown(String cssSelector, String expected) {
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(shown(cssSelector)).as(cssSelector).isEqualTo(expected));
    }

    @Test
    void aWrongTokenShowsAnErrorNotAnEmptyPage() {
        logIn(b, "not-the-admin-token-000000");
        assertThat(browser.awaitText("#error", WAIT)).contains("refused", "401");
        assertThat(browser.driver().findElement(By.id("dashboard")).isDisplayed())
                .isFalse();
        assertThat(browser.driver().findElement(By.id("token")).isDisplayed())
                .as("the form asks again")
                .isTrue();
    }

    @Test
    void thePageShowsTheFleetLiveWhicheverReplicaServesIt() throws Exception {
        assertThat(asAdmin(
                                "POST",
                                admin(a, "/admin/functions"),
                                "{\"name\":\"weather\",\"endpoint\":\"" + functions.url("/json")
                                        + "\",\"health_check\":{\"path\":\"/health\",\"interval\":\"1s\"}}")
                        .status())
                .isEqualTo(201);
        assertThat(asAdmin(
                                "POST",
                                admin(a, "/admin/functions"),
                                "{\"name\":\"broken\",\"endpoint\":\"" + functions.url("/fail") + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(asAdmin(
                                "POST",
                                admin(a, "/admin/functions"),
                                "{\"name\":\"tools\",\"kind\":\"mcp\"," + "\"endpoint\":\"" + mcpFunction.url() + "\"}")
                        .status())
                .isEqualTo(201);
        logIn(b, TOKEN);
        awaitShown("#total-replicas", "2");
        awaitShown("#total-streams", "0");
        assertThat(shown("#error")).isEmpty();

        // calls through both replicas: the page served by B adds A's up
        await().atMost(WAIT)
                .until(() -> Http.postJson(pub(b, "/invoke/weather"), "{\"payload\":1}")
                                .status()
                        == 200);
        for (int i = 0; i < 6; i++) {
            assertThat(Http.postJson(pub(i % 2 == 0 ? a : b, "/invoke/weather"), "{\"payload\":" + i + "}")
                            .status())
                    .isEqualTo(200);
            Http.postJson(pub(a, "/invoke/broken"), "{\"payload\":" + i + "}");
        }
        // a refusal the page lists with its code
        assertThat(Http.send(
                                "GET",
                                admin(a, "/admin/functions"),
                                null,
                                Map.of("Authorization", "Bearer a-wrong-admin-token-000"))
                        .status())
                .isEqualTo(401);

        List<SseClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                streams.add(SseClient.open(pub(a, "/sse/watcher-" + i)));
            }
            streams.add(SseClient.open(pub(b, "/sse/reader-1?topic=prices")));
            streams.add(SseClient.open(pub(b, "/sse/reader-2?topic=prices")));
            for (SseClient stream : streams) {
                assertThat(stream.next(WAIT).type()).isEqualTo("connected");
            }
            // an MCP session opened on A whose stream B holds
            Http.Answer init = Http.send(
                    "POST",
                    pub(a, "/mcp/tools"),
                    "{\"jsonrpc\":\"2.0\",\"id\":1,"
                            + "\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                            + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    Map.of("Content-Type", "application/json", "Accept", "application/json, text/event-stream"));
            assertThat(init.status()).as(init.body()).isEqualTo(200);
            SseClient mcpStream = SseClient.open(
                    pub(b, "/mcp/tools"),
                    Map.of(
                            "Mcp-Session-Id",
                            init.headers().firstValue("Mcp-Session-Id").orElseThrow()));
            streams.add(mcpStream);
            assertThat(mcpStream.status()).isEqualTo(200);
            awaitShown("#total-streams", "6");
            awaitShown("#replicas tr[data-replica=replica-a] td.streams", "3");
            awaitShown("#replicas tr[data-replica=replica-b] td.streams", "3");
            awaitShown("#servers tbody tr:first-child", "tools\t1");
            awaitShown("#total-sessions", "1");
            awaitShown("#topics tbody tr:first-child td:nth-child(2)", "2");
            assertThat(shown("#topics tbody tr:first-child td:first-child")).isEqualTo("prices");

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(shown("#functions tr[data-function=weather] td.health"))
                        .isEqualTo("healthy");
                assertThat(shown("#functions tr[data-function=broken] td:nth-child(7)"))
                        .isEqualTo("100.0 %");
                assertThat(shown("#functions tr[data-function=weather] td:nth-child(7)"))
                        .isEqualTo("0.0 %");
                assertThat(shown("#problems")).contains("UNAUTHORIZED", "/admin/functions", "replica-a");
            });
            functions.healthy(false);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(shown("#functions tr[data-function=weather] td.health"))
                            .startsWith("unhealthy"));
            assertThat(shown("#functions tr[data-function=weather] td:nth-child(2)"))
                    .isEqualTo("http");
            // each replica's directory entry is refreshed every 10 s: the page shows when it last was
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(shown("#replicas tr[data-replica=replica-a] td:nth-child(6)"))
                        .endsWith(" ago");
                assertThat(shown("#replicas tr[data-replica=replica-b] td:nth-child(6)"))
                        .endsWith(" ago");
            });
            browser.driver().manage().window().setSize(new Dimension(1280, 1300));
            browser.screenshot("monitoring.png");
        } finally {
            streams.forEach(SseClient::close);
            functions.healthy(true);
        }
        awaitShown("#total-streams", "0");
        awaitShown("#functions tr[data-function=weather] td.health", "healthy");
    }
}
