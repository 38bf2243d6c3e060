package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CORS on {@code POST /invoke/{function}} for the origins {@code SSE_CORS_ORIGINS} allows, over real sockets: a
 * page that follows streams can post the calls whose results it streams (the chat example; in a browser:
 * {@link ChatExampleBrowserTest}). Preflights are answered before authentication, refusals carry the headers
 * too, and an origin off the list gets none. Every case runs on both listeners: the stream listener serves the
 * calls too, with the same headers.
 */
class InvokeCorsTest {
    private static final String PAGE = "http://chat.example:8083";

    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** @return the route's URL on the public listener and on the stream listener */
    private java.util.List<String> start(String origins, String clientAuth) {
        gateway = Gateway.start(GatewayConfig.from(TestGateways.local(
                "STREAM_PORT",
                "0",
                "SSE_CORS_ORIGINS",
                origins,
                "CLIENT_AUTH",
                clientAuth,
                "API_KEYS",
                "page:" + "0".repeat(64))));
        return java.util.List.of(
                "http://127.0.0.1:" + gateway.port() + "/invoke/chat",
                "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/invoke/chat");
    }

    private static Http.Answer preflight(String url, String origin) {
        return Http.send(
                "OPTIONS",
                url,
                null,
                Map.of(
                        "Origin",
                        origin,
                        "Access-Control-Request-Method",
                        "POST",
                        "Access-Control-Request-Headers",
                        "content-type"));
    }

    /** A page's call: a JSON POST with its {@code Origin}. */
    private static Http.Answer callFrom(String url, String origin) {
        return Http.send("POST", url, "{\"payload\":1}", Map.of("Origin", origin, "Content-Type", "application/json"));
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredBeforeAuthentication() {
        for (String url : start(PAGE, "api-key")) {
            Http.Answer answer = preflight(url, PAGE);
            assertThat(answer.status()).as(url).isEqualTo(204);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(PAGE);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Methods"))
                    .hasValue("POST");
            assertThat(answer.headers()
                            .firstValue("Access-Control-Allow-Headers")
                            .orElseThrow())
                    .contains("Content-Type", "X-API-Key", "Authorization");
            assertThat(answer.headers().firstValue("Vary")).as(url).hasValue("Origin");
        }
    }

    @Test
    void refusalsCarryTheHeadersSoThePageCanReadTheError() {
        for (String url : start(PAGE, "api-key")) {
            Http.Answer unauthorized = callFrom(url, PAGE);
            assertThat(unauthorized.status()).as(url).isEqualTo(401);
            assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin"))
                    .as(url)
                    .hasValue(PAGE);
            assertThat(unauthorized.headers().firstValue("WWW-Authenticate"))
                    .as(url)
                    .isPresent();
            assertThat(unauthorized.body()).contains("\"code\":\"UNAUTHORIZED\"");
            Http.Answer wrongMethod = Http.send("GET", url, null, Map.of("Origin", PAGE));
            assertThat(wrongMethod.status()).as(url).isEqualTo(401);
            assertThat(wrongMethod.headers().firstValue("Access-Control-Allow-Origin"))
                    .as(url)
                    .hasValue(PAGE);
        }
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() {
        for (String url : start(PAGE, "none")) {
            Http.Answer answer = preflight(url, "http://evil.example");
            assertThat(answer.status()).as(url).isEqualTo(204);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
            Http.Answer call = callFrom(url, "http://evil.example");
            assertThat(call.status()).as(call.body()).isEqualTo(404);
            assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            Http.Answer fromThePage = callFrom(url, PAGE);
            assertThat(fromThePage.status()).as(url).isEqualTo(404);
            assertThat(fromThePage.headers().firstValue("Access-Control-Allow-Origin"))
                    .as(url)
                    .hasValue(PAGE);
        }
    }

    @Test
    void noneTurnsItOff() {
        for (String url : start("none", "none")) {
            assertThat(preflight(url, PAGE).headers().firstValue("Access-Control-Allow-Origin"))
                    .as(url)
                    .isEmpty();
        }
    }
}
