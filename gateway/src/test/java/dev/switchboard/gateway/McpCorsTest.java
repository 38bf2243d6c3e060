package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.McpFunctionStub;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CORS on the MCP routes over real sockets, with API keys required so that a preflight's lack of
 * credentials shows: preflights of every route, the headers on answers (refusals included), origins
 * off the list, and {@code MCP_ALLOWED_ORIGINS=*}. {@link McpBrowserTest} shows the same in a browser.
 */
class McpCorsTest {
    private static final String KEY = "sk-cors-0123456789abcdef0123456789abcdef";
    private static final String APP = "https://app.example";
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    /** What a browser lists in a preflight of an MCP POST: lower case, comma-separated. */
    private static final String REQUESTED = "authorization,content-type,last-event-id,mcp-method,mcp-name,"
            + "mcp-param-region,mcp-protocol-version,mcp-session-id,x-api-key";

    private McpFunctionStub function;
    private Gateway gateway;

    @BeforeEach
    void startFunction() {
        function = McpFunctionStub.start(false);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        function.close();
    }

    private void startGateway(String allowedOrigins) {
        Map<String, String> values = new HashMap<>(TestGateways.callingLoopback(
                "CLIENT_AUTH",
                "api-key",
                "API_KEYS",
                "browser:" + ApiKeyHash.of(KEY),
                "MCP_ALLOWED_ORIGINS",
                allowedOrigins));
        gateway = Gateway.start(GatewayConfig.from(values));
        Http.Answer registered = Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"tools\",\"kind\":\"mcp\",\"endpoint\":\"" + function.url() + "\",\"timeout\":\"2s\"}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    }

    private String mcp(String rest) {
        return "http://127.0.0.1:" + gateway.port() + "/mcp/tools" + rest;
    }

    private static Http.Answer preflight(String url, String origin, String method) {
        return Http.send(
                "OPTIONS",
                url,
                null,
                Map.of(
                        "Origin",
                        origin,
                        "Access-Control-Request-Method",
                        method,
                        "Access-Control-Request-Headers",
                        REQUESTED));
    }

    private Http.Answer post(String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(Map.of("Content-Type", "application/json", "Accept", ACCEPT_BOTH));
        all.putAll(headers);
        return Http.send("POST", mcp(""), body, all);
    }

    @Test
    void everyMcpRouteAnswersAPreflightWithoutCredentials() {
        startGateway(APP + ", http://localhost");
        for (Map.Entry<String, String> route :
                Map.of("", "POST", "/messages", "POST", "/sse", "GET").entrySet()) {
            Http.Answer answer = preflight(mcp(route.getKey()), APP, route.getValue());
            assertThat(answer.status())
                    .as("preflight of /mcp/tools" + route.getKey())
                    .isEqualTo(204);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(APP);
            assertThat(answer.headers()
                            .firstValue("Access-Control-Allow-Methods")
                            .orElseThrow())
                    .contains("GET", "POST", "DELETE");
            assertThat(answer.headers()
                            .firstValue("Access-Control-Allow-Headers")
                            .orElseThrow()
                            .toLowerCase())
                    .as("every header the browser asked for")
                    .contains(REQUESTED.split(","));
            assertThat(answer.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
            assertThat(answer.headers().firstValue("Vary").orElseThrow()).contains("Origin");
            assertThat(answer.headers().firstValue("Access-Control-Allow-Credentials"))
                    .isEmpty();
        }
        assertThat(preflight(mcp(""), "http://localhost:5173", "DELETE")
                        .headers()
                        .firstValue("Access-Control-Allow-Origin"))
                .as("an entry without a port allows any port, as for the Origin check")
                .hasValue("http://localhost:5173");
        assertThat(function.received()).as("a preflight reaches no function").noneMatch(r -> r.message() != null);
    }

    @Test
    void answersCarryTheOriginAndExposeTheSessionIdAndTheChallenge() {
        startGateway(APP);
        Map<String, String> browser = Map.of("Origin", APP, "X-API-Key", KEY);
        Http.Answer init = post(INITIALIZE, browser);
        assertThat(init.status()).as(init.body()).isEqualTo(200);
        assertThat(init.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(init.headers().firstValue("Vary").orElseThrow()).contains("Origin");
        assertThat(init.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Mcp-Session-Id", "WWW-Authenticate");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        Map<String, String> inSession = new HashMap<>(browser);
        inSession.put("Mcp-Session-Id", session);
        Http.Answer streamed = post(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t\"}}}",
                inSession);
        assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(streamed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        try (SseClient standalone = SseClient.open(mcp(""), inSession)) {
            assertThat(standalone.status()).isEqualTo(200);
            assertThat(standalone.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(APP);
        }
        Http.Answer deleted = Http.send("DELETE", mcp(""), null, inSession);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);

        Http.Answer unauthenticated = post(INITIALIZE, Map.of("Origin", APP));
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(unauthenticated.headers().firstValue("Access-Control-Allow-Origin"))
                .as("the page can read the refusal and its challenge")
                .hasValue(APP);
        assertThat(unauthenticated
                        .headers()
                        .firstValue("Access-Control-Expose-Headers")
                        .orElseThrow())
                .contains("WWW-Authenticate");
    }

    @Test
    void theLegacyTransportCarriesTheOriginToo() {
        startGateway(APP);
        Map<String, String> browser = Map.of("Origin", APP, "X-API-Key", KEY);
        try (SseClient stream = SseClient.open(mcp("/sse"), browser)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(APP);
            String endpoint = stream.next(Duration.ofSeconds(5)).data();
            Map<String, String> post = new HashMap<>(browser);
            post.put("Content-Type", "application/json");
            Http.Answer accepted = Http.send("POST", "http://127.0.0.1:" + gateway.port() + endpoint, INITIALIZE, post);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(APP);
        }
    }

    @Test
    void anOriginOffTheListGetsNoCorsHeadersAndIsRefused() {
        startGateway(APP);
        for (String route : List.of("", "/messages", "/sse")) {
            Http.Answer answer = preflight(mcp(route), "https://evil.example", "POST");
            assertThat(answer.headers().map().keySet())
                    .as("preflight of /mcp/tools" + route)
                    .noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        }
        Http.Answer refused = post(INITIALIZE, Map.of("Origin", "https://evil.example", "X-API-Key", KEY));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(refused.headers().firstValue("Vary").orElseThrow())
                .as("caches keep answers apart")
                .contains("Origin");
        assertThat(function.received()).noneMatch(r -> r.message() != null);
        // a page that reached the gateway by DNS rebinding cannot tell registered servers from others
        for (String method : List.of("POST", "GET", "DELETE")) {
            for (String path : List.of("/mcp/nosuch", "/mcp/nosuch/sse", "/mcp/nosuch/messages?sessionId=sse.x")) {
                Http.Answer unknown = Http.send(
                        method,
                        mcp("").replace("/mcp/tools", path),
                        method.equals("POST") ? INITIALIZE : null,
                        Map.of(
                                "Origin",
                                "https://evil.example",
                                "X-API-Key",
                                KEY,
                                "Content-Type",
                                "application/json",
                                "Accept",
                                ACCEPT_BOTH));
                if (unknown.status() != 405) {
                    assertThat(unknown.status()).as("%s %s", method, path).isEqualTo(403);
                }
            }
        }

        Http.Answer noOrigin = post(INITIALIZE, Map.of("X-API-Key", KEY));
        assertThat(noOrigin.status()).as("a client that is no browser").isEqualTo(200);
        assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anyOriginIsEchoedNeverAStar() {
        startGateway("*");
        String page = "https://anywhere.example:8443";
        Http.Answer answer = preflight(mcp(""), page, "POST");
        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(page);
        assertThat(answer.headers().firstValue("Vary").orElseThrow()).contains("Origin");
        Http.Answer init = post(INITIALIZE, Map.of("Origin", page, "X-API-Key", KEY));
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.headers().firstValue("Access-Control-Allow-Origin")).hasValue(page);
        assertThat(init.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Mcp-Session-Id");
        assertThat(init.headers().firstValue("Access-Control-Allow-Credentials"))
                .isEmpty();
    }
}
