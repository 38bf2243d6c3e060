package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connection directory's {@code last_activity} follows the events a stream writes: the refresh every 10 s
 * writes the streams that wrote events since the last one (they queue themselves at their first event after it),
 * and leaves the others as they were.
 */
class ConnectionDirectoryRefreshTest {
    private static final String TOKEN = "directory-refresh-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Two refreshes of 10 s and some. */
    private static final Duration REFRESHED = Duration.ofSeconds(25);

    private static Instant lastActivity(Gateway g, String clientId) {
        JsonNode connections = Http.send(
                        "GET",
                        "http://127.0.0.1:" + g.adminPort() + "/admin/connections",
                        null,
                        Map.of("Authorization", "Bearer " + TOKEN))
                .json()
                .get("connections");
        for (JsonNode c : connections) {
            if (c.get("client_id").asText().equals(clientId)) {
                return Instant.parse(c.get("last_activity").asText());
            }
        }
        throw new AssertionError(clientId + " is not in the directory: " + connections);
    }

    @Test
    void aStreamThatWritesAnEventHasItsLastActivityRefreshedAndAQuietOneKeepsItsOwn() throws Exception {
        try (Gateway g = Gateway.start(GatewayConfig.from(TestGateways.local("ADMIN_TOKEN", TOKEN)));
                SseClient busy = SseClient.open("http://127.0.0.1:" + g.port() + "/sse/dir-busy?topic=dir-news");
                SseClient quiet = SseClient.open("http://127.0.0.1:" + g.port() + "/sse/dir-quiet")) {
            assertThat(busy.next(WAIT).type()).isEqualTo("connected");
            assertThat(quiet.next(WAIT).type()).isEqualTo("connected");
            // the connected events are activity too: wait until a refresh has written them
            Thread.sleep(200);
            Instant busyBefore = lastActivity(g, "dir-busy");
            Instant quietBefore = lastActivity(g, "dir-quiet");

            Instant published = Instant.now();
            Http.Answer answer = Http.postJson(
                    "http://127.0.0.1:" + g.adminPort() + "/publish/dir-news", "{\"data\":{\"n\":1}}", TOKEN);
            assertThat(answer.status()).isEqualTo(202);
            assertThat(busy.nextNonHeartbeat(WAIT).data()).contains("\"n\":1");

            await().atMost(REFRESHED).until(() -> lastActivity(g, "dir-busy").isAfter(busyBefore));
            assertThat(lastActivity(g, "dir-busy")).isAfterOrEqualTo(published.minusMillis(5));
            // the quiet stream's record moves only if its connected event had not been refreshed yet
            Instant quietAfter = lastActivity(g, "dir-quiet");
            assertThat(quietAfter).isBefore(published);
            assertThat(quietAfter).isAfterOrEqualTo(quietBefore);
        }
    }
}
