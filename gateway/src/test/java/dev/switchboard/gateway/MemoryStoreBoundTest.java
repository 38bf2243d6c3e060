package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store under a publisher spreading large events over many topics, in a gateway of its own with a
 * 256 MB heap that exits on {@code OutOfMemoryError} (as the shipped settings do): the topics' logs would hold more
 * than the heap, so without {@code MEMORY_STORE_MAX_BYTES} the process died; with it the oldest events go and every
 * publish is served.
 */
class MemoryStoreBoundTest {
    private static final String TOKEN = "admin-token-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void aPublisherFillingTheHeapWithTopicsGetsTheOldestEventsEvictedNotTheGatewayKilled() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("memory-store-bound-gateway.log");
        // 100 events of 10 KB a request; 64 topics of up to 1,000 events would keep 640 MB
        String event = "{\"data\":{\"text\":\"" + "x".repeat(10_000) + "\"}}";
        String batch = "{\"events\":[" + String.join(",", java.util.Collections.nCopies(100, event)) + "]}";
        try (GatewayProcess gateway = GatewayProcess.start(
                "memory-bound",
                Map.of("ADMIN_TOKEN", TOKEN, "JAVA_TOOL_OPTIONS", "-XX:+ExitOnOutOfMemoryError"),
                log)) {
            Map<Integer, Integer> statuses = new TreeMap<>();
            long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            // 400 MB in all, bounded in count and time
            for (int i = 0; i < 400 && System.nanoTime() < until; i++) {
                int status = Http.postJson(gateway.admin("/publish/flood-" + (i % 64)), batch, TOKEN)
                        .status();
                statuses.merge(status, 1, Integer::sum);
            }
            assertThat(statuses).as("every batch stored").containsOnlyKeys(202);
            assertThat(gateway.output()).contains("in-memory store over MEMORY_STORE_MAX_BYTES");
            assertThat(Http.get(gateway.admin("/health/live")).status()).isEqualTo(200);
            // and still live for a subscriber
            try (SseClient stream = SseClient.open(gateway.pub("/sse/reader?topic=flood-0"))) {
                assertThat(stream.next(WAIT).type()).isEqualTo("connected");
                assertThat(Http.postJson(
                                        gateway.admin("/publish/flood-0"),
                                        "{\"event\":\"after\",\"data\":{\"n\":1}}",
                                        TOKEN)
                                .status())
                        .isEqualTo(202);
                assertThat(stream.nextNonHeartbeat(WAIT).type()).isEqualTo("after");
            }
        }
    }
}
