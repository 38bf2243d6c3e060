package dev.switchboard.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import org.junit.jupiter.api.Test;

/** Which requests get a server span, under which route name (low cardinality: no function or topic names). */
class TracingFilterTest {
    @Test
    void callsArePublicationsAreAndStreamsAreNot() {
        assertThat(TracingFilter.route(Method.POST, "/invoke/echo")).isEqualTo("/invoke/{function}");
        assertThat(TracingFilter.route(Method.POST, "/publish/news")).isEqualTo("/publish/{topic}");
        assertThat(TracingFilter.route(Method.POST, "/publish/mcp/tools")).isEqualTo("/publish/mcp/{function}");
        assertThat(TracingFilter.route(Method.POST, "/mcp/tools")).isEqualTo("/mcp/{function}");
        assertThat(TracingFilter.route(Method.DELETE, "/mcp/tools")).isEqualTo("/mcp/{function}");
        assertThat(TracingFilter.route(Method.POST, "/mcp/tools/messages")).isEqualTo("/mcp/{function}/messages");
        assertThat(TracingFilter.route(Method.GET, "/mcp/tools")).isNull();
        assertThat(TracingFilter.route(Method.GET, "/sse/client")).isNull();
        assertThat(TracingFilter.route(Method.GET, "/admin/functions")).isNull();
        assertThat(TracingFilter.route(Method.GET, "/metrics")).isNull();
    }
}
