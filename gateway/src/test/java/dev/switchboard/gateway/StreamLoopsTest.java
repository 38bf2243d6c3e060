package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.gateway.support.SseClient;
import dev.switchboard.gateway.support.TestGateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream listener with several event loops ({@code STREAM_LOOPS}) on one port: the kernel spreads
 * connections over the loops, an event reaches every stream whichever loop holds it, and the listener's caps
 * hold for the listener as a whole, not per loop.
 */
class StreamLoopsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> open = new ArrayList<>();
    private Gateway gateway;

    private Gateway start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(TestGateways.local("STREAM_PORT", "0", "SHUTDOWN_GRACE", "0s"));
        env.putAll(extra);
        gateway = Gateway.start(GatewayConfig.from(env));
        return gateway;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyLoopHoldsStreamsAndAnEventReachesThemAll() {
        start(Map.of("STREAM_LOOPS", "3"));
        assertThat(gateway.streamListener().orElseThrow().loopCount()).isEqualTo(3);
        int streams = 30;
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            SseClient c = SseClient.open(
                    "http://127.0.0.1:" + gateway.streamPort().orElseThrow() + "/sse/c" + i + "?topic=room");
            open.add(c);
            clients.add(c);
            assertThat(c.nextNonHeartbeat(WAIT).type()).isEqualTo("connected");
        }
        List<Integer> perLoop = gateway.streamListener().orElseThrow().connectionsPerLoop();
        assertThat(perLoop.stream().mapToInt(Integer::intValue).sum()).isEqualTo(streams);
        // 30 connections from distinct source ports all on one of three loops: about 1 in 10^14
        assertThat(perLoop.stream().filter(n -> n > 0).count())
                .as("loops holding streams: %s", perLoop)
                .isGreaterThan(1);

        Http.Answer published = Http.send(
                "POST",
                "http://127.0.0.1:" + gateway.adminPort() + "/publish/room",
                "{\"event\":\"news\",\"data\":{\"n\":1}}",
                Map.of("Content-Type", "application/json"));
        assertThat(published.status()).isEqualTo(202);
        for (SseClient c : clients) {
            SseClient.Event event = c.nextNonHeartbeat(WAIT);
            assertThat(event.type()).isEqualTo("news");
            assertThat(event.data()).contains("\"n\":1");
        }

        for (SseClient c : clients) {
            c.close();
        }
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> gateway.streamListener().orElseThrow().connectionsPerLoop().stream()
                        .allMatch(n -> n == 0));
        assertThat(gateway.hub().count()).isZero();
    }

    @Test
    void theCapOnHeadsFromOneAddressIsTheListenersNotEachLoops() {
        // four loops: counted per loop, up to twelve silent connections would be let in
        start(Map.of("STREAM_LOOPS", "4", "MAX_PENDING_HEADS_PER_IP", "3"));
        int port = gateway.streamPort().orElseThrow();
        for (int i = 0; i < 3; i++) {
            open.add(RawConnection.open("127.0.0.2", port));
        }
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> gateway.streamListener().orElseThrow().connectionsPerLoop().stream()
                                .mapToInt(Integer::intValue)
                                .sum()
                        == 3);
        // their heads count against the address once a second late: until then a new connection is heard out
        int[] attempt = {0};
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            RawConnection probe = RawConnection.open("127.0.0.2", port);
            open.add(probe);
            return probe.send("GET /sse/probe-" + attempt[0]++ + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readUntil("}", WAIT)
                    .startsWith("HTTP/1.1 429 ");
        });
        for (int i = 0; i < 8; i++) {
            RawConnection extra = RawConnection.open("127.0.0.2", port);
            open.add(extra);
            assertThat(extra.send("GET /sse/greedy HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("}", WAIT))
                    .as("connection %d beyond the cap", i + 4)
                    .startsWith("HTTP/1.1 429 ")
                    .contains("\"code\":\"TOO_MANY_CONNECTIONS_FROM_ADDRESS\"");
        }
        // a connection that sends its head gives its place back
        RawConnection first = (RawConnection) open.getFirst();
        assertThat(first.send("GET /sse/patient HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("event: connected", WAIT))
                .startsWith("HTTP/1.1 200 ");
        RawConnection next = RawConnection.open("127.0.0.2", port);
        open.add(next);
        assertThat(next.send("GET /sse/next HTTP/1.1\r\nHost: x\r\n\r\n").readUntil("event: connected", WAIT))
                .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aTopicWithHundredsOfSubscribersGetsABatchAndSingleEventsOnceInOrder() throws InterruptedException {
        // one loop: a batch's events arrive while the loop still writes the first (they queue and coalesce on
        // each stream), the single events after it are written straight through
        start(Map.of());
        int port = gateway.streamPort().orElseThrow();
        List<RawConnection> subscribers = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            RawConnection c = RawConnection.open("127.0.0.3", port);
            open.add(c);
            subscribers.add(c);
            assertThat(c.send("GET /sse/p" + i + "?topic=crowd HTTP/1.1\r\nHost: x\r\n\r\n")
                            .readUntil("event: connected", WAIT))
                    .startsWith("HTTP/1.1 200 ");
        }
        String admin = "http://127.0.0.1:" + gateway.adminPort() + "/publish/crowd";
        Map<String, String> json = Map.of("Content-Type", "application/json");
        StringBuilder batch = new StringBuilder("{\"events\":[");
        for (int n = 0; n < 20; n++) {
            batch.append(n == 0 ? "" : ",")
                    .append("{\"event\":\"news\",\"data\":{\"n\":")
                    .append(n)
                    .append("}}");
        }
        assertThat(Http.send("POST", admin, batch.append("]}").toString(), json).status())
                .isEqualTo(202);
        for (int n = 20; n < 25; n++) {
            String one = "{\"event\":\"news\",\"data\":{\"n\":" + n + "}}";
            assertThat(Http.send("POST", admin, one, json).status()).isEqualTo(202);
        }

        for (int i = 0; i < subscribers.size(); i++) {
            assertThat(subscribers.get(i).readUntil("\"n\":24}", WAIT))
                    .as("stream %d got the last event", i)
                    .contains("\"n\":24}");
        }
        Thread.sleep(200); // time for anything sent twice to arrive
        for (int i = 0; i < subscribers.size(); i++) {
            String text = subscribers.get(i).readUntil(null, Duration.ofMillis(1));
            int at = 0;
            for (int n = 0; n < 25; n++) {
                String data = "\"n\":" + n + "}";
                int found = text.indexOf(data, at);
                assertThat(found)
                        .as("stream %d: event %d after event %d", i, n, n - 1)
                        .isGreaterThan(at);
                assertThat(text.indexOf(data, found + 1))
                        .as("stream %d: event %d once", i, n)
                        .isEqualTo(-1);
                at = found;
            }
        }
    }
}
