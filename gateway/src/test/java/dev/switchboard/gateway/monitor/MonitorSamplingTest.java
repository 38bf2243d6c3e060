package dev.switchboard.gateway.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.testing.TestRedis;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The monitoring sample stops while nothing it reads changes (an unshared store), so an idle gateway's
 * housekeeping thread does not wake every {@code MONITOR_INTERVAL}; the page still gets a point per interval,
 * and the first change (an event written, a stream opened) starts the samples again. On a shared store the
 * sample is the replica's presence and never stops. Wake-ups are counted as the housekeeping thread's waits
 * ({@link java.lang.management.ThreadInfo#getWaitedCount}: one per park between runs).
 */
class MonitorSamplingTest {
    private static final String TOKEN = "monitor-sampling-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + TOKEN);
    private static final long INTERVAL_MILLIS = 200;

    private static Gateway start(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(TestGateways.local(
                "ADMIN_TOKEN",
                TOKEN,
                "MONITOR_INTERVAL",
                INTERVAL_MILLIS + "ms",
                // heartbeats are no change: they must not wake the sample
                "HEARTBEAT_INTERVAL",
                "1s"));
        settings.putAll(extra);
        return Gateway.start(GatewayConfig.from(settings));
    }

    /** Starts a gateway and finds its housekeeping thread: the one that was not there before. */
    private static Started startWatched(Map<String, String> extra) {
        Set<Thread> before = housekeepingThreads();
        Gateway g = start(extra);
        Set<Thread> mine = housekeepingThreads();
        mine.removeAll(before);
        assertThat(mine).as("this gateway's housekeeping thread").hasSize(1);
        return new Started(g, mine.iterator().next());
    }

    private record Started(Gateway gateway, Thread housekeeping) {}

    private static Set<Thread> housekeepingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("switchboard-housekeeping"))
                .collect(Collectors.toSet());
    }

    /** @return how many times the thread parked in the window: its wake-ups, give or take one */
    private static long wakeUps(Thread thread, Duration window) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getThreadInfo(thread.threadId()).getWaitedCount();
        Thread.sleep(window.toMillis());
        return threads.getThreadInfo(thread.threadId()).getWaitedCount() - before;
    }

    /** @return the feed's next history: {@code {t, connections, events_per_second}} per interval, oldest first */
    private static JsonNode history(SseClient feed) throws Exception {
        SseClient.Event event = feed.next(WAIT);
        assertThat(event.type()).isEqualTo("fleet");
        return new ObjectMapper().readTree(event.data()).get("history");
    }

    @Test
    void anIdleGatewayStopsSamplingYetThePageHasAPointEveryInterval() throws Exception {
        Started started = startWatched(Map.of());
        try (Gateway g = started.gateway();
                SseClient stream = SseClient.open("http://127.0.0.1:" + g.port() + "/sse/quiet?topic=news")) {
            stream.next(WAIT);
            // two equal samples in a row stop it: well within a second at 200 ms
            await().atMost(WAIT).until(() -> wakeUps(started.housekeeping(), Duration.ofSeconds(1)) <= 1);
            // 2 s is ten intervals: at most one wake-up, for the 10 s jobs (directory, session count)
            assertThat(wakeUps(started.housekeeping(), Duration.ofSeconds(2))).isLessThanOrEqualTo(1);

            try (SseClient feed = SseClient.open("http://127.0.0.1:" + g.adminPort() + "/admin/ui/feed", AUTH)) {
                JsonNode history = history(feed);
                assertThat(history.size()).as("points over ~3 s at 200 ms").isGreaterThanOrEqualTo(12);
                // the newest points were filled in while resting: one per interval, the stream, no events
                for (int i = history.size() - 10; i < history.size(); i++) {
                    JsonNode point = history.get(i);
                    assertThat(point.get("t").asLong()
                                    - history.get(i - 1).get("t").asLong())
                            .as("time between points %s and %s", history.get(i - 1), point)
                            .isEqualTo(INTERVAL_MILLIS);
                    assertThat(point.get("connections").asInt()).isEqualTo(1);
                    assertThat(point.get("events_per_second").asDouble()).isZero();
                }
                // the open page reads the figures every interval without waking the samples
                assertThat(wakeUps(started.housekeeping(), Duration.ofSeconds(2)))
                        .isLessThanOrEqualTo(1);
                long quietUntil = history.get(history.size() - 1).get("t").asLong();

                Http.Answer published = Http.postJson(
                        "http://127.0.0.1:" + g.adminPort() + "/publish/news",
                        "{\"data\":{\"headline\":\"awake\"}}",
                        TOKEN);
                assertThat(published.status()).isEqualTo(202);
                await().atMost(WAIT).until(() -> stream.next(WAIT).data().contains("awake"));
                // the event written started the samples again: a point filled in while resting has no events
                await().atMost(WAIT).until(() -> {
                    for (JsonNode point : history(feed)) {
                        if (point.get("t").asLong() > quietUntil
                                && point.get("events_per_second").asDouble() > 0) {
                            return true;
                        }
                    }
                    return false;
                });

                // and a second stream, once quiet again, wakes it too: a filled-in point would count one stream
                await().atMost(WAIT).until(() -> wakeUps(started.housekeeping(), Duration.ofSeconds(1)) <= 1);
                try (SseClient second = SseClient.open("http://127.0.0.1:" + g.port() + "/sse/second")) {
                    second.next(WAIT);
                    await().atMost(WAIT).until(() -> {
                        JsonNode points = history(feed);
                        return points.get(points.size() - 1).get("connections").asInt() == 2;
                    });
                }
            }
        }
    }

    @Test
    void onASharedStoreTheSampleIsThePresenceAndNeverStops() throws Exception {
        TestRedis.shared().flush();
        Started started = startWatched(Map.of("REDIS_URL", TestRedis.shared().url(), "REPLICA_ID", "sampling-a"));
        try (Gateway g = started.gateway()) {
            assertThat(g.config().replicaId()).isEqualTo("sampling-a");
            Thread.sleep(3 * INTERVAL_MILLIS);
            assertThat(wakeUps(started.housekeeping(), Duration.ofSeconds(2)))
                    .as("a sample every 200 ms, idle or not")
                    .isGreaterThanOrEqualTo(7);
        }
    }
}
