package dev.switchboard.gateway.cors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The origin rule and the headers of both route families; the routes themselves are in McpCorsTest. */
class CorsPolicyTest {
    @Test
    void anEntryWithoutAPortAllowsAnyPortAndCaseDoesNotMatter() {
        AllowedOrigins origins = AllowedOrigins.of(List.of("http://localhost", "https://App.example:8443"));
        assertThat(origins.allows("http://localhost:5173")).isTrue();
        assertThat(origins.allows("HTTP://LOCALHOST")).isTrue();
        assertThat(origins.allows("https://app.example:8443")).isTrue();
        assertThat(origins.allows("https://app.example"))
                .as("an entry with a port is exact")
                .isFalse();
        assertThat(origins.allows("https://localhost:5173"))
                .as("the scheme counts")
                .isFalse();
        assertThat(origins.allows("null")).isFalse();
        assertThat(origins.allows("not a uri")).isFalse();
        assertThat(AllowedOrigins.of(List.of("*")).allows("null")).isTrue();
    }

    @Test
    void streamsAnswerAStarForAnyPageAndMcpEchoesThePage() {
        Optional<String> page = Optional.of("https://anywhere.example");
        assertThat(CorsPolicy.forStreams(List.of("*")).allowOrigin(page)).hasValue("*");
        assertThat(CorsPolicy.forStreams(List.of("*")).variesByOrigin()).isFalse();
        assertThat(CorsPolicy.forStreams(List.of("none")).allowOrigin(page)).isEmpty();
        CorsPolicy mcp = CorsPolicy.forMcp(List.of("*"));
        assertThat(mcp.allowOrigin(page)).hasValue("https://anywhere.example");
        assertThat(mcp.allowOrigin(Optional.empty())).as("no browser, no CORS").isEmpty();
        assertThat(mcp.response(Optional.empty())).containsOnlyKeys("Vary");
        assertThat(mcp.response(page))
                .containsEntry("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate, Retry-After");
    }

    @Test
    void aPreflightAllowsTheMcpParamHeadersItAsksForAndNothingElse() {
        CorsPolicy mcp = CorsPolicy.forMcp(List.of("https://app.example"));
        String allowed = mcp.preflight(
                        Optional.of("https://app.example"),
                        Optional.of(
                                "content-type, mcp-param-region,mcp-param-, x-evil, mcp-param-a b, mcp-param-region, Mcp-Param-Tier"))
                .get("Access-Control-Allow-Headers");
        assertThat(allowed)
                .endsWith("Mcp-Name, mcp-param-region, Mcp-Param-Tier")
                .doesNotContain("x-evil", "a b");
        assertThat(mcp.preflight(Optional.of("https://evil.example"), Optional.empty()))
                .isEmpty();
        assertThat(CorsPolicy.forStreams(List.of("*"))
                        .preflight(Optional.of("https://app.example"), Optional.of("mcp-param-region"))
                        .get("Access-Control-Allow-Headers"))
                .doesNotContain("mcp-param");
    }
}
