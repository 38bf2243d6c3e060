package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.support.ApiKeyHash;
import dev.switchboard.gateway.support.GatewayProcess;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.KeptAliveConnection;
import dev.switchboard.gateway.support.Metrics;
import dev.switchboard.gateway.support.RawConnection;
import dev.switchboard.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The public listener at its connection cap (over its ports: here STREAM_PORT) with every connection a kept-alive one idle between requests: it
 * closes the one idle the longest for each new connection, instead of leaving new clients in the kernel's backlog
 * until a kept-alive connection's {@code KEEP_ALIVE_TIMEOUT} ends (here 10 minutes). A gateway in its own JVM
 * under {@code ulimit -n 512}, so that the cap is small.
 */
class IdleKeptAliveShedTest {
    private static final String KEY = "pk-idle-0123456789abcdef0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BODY = "{\"data\":{\"n\":1}}";
    private static final String PUBLISH = "POST /publish/idle HTTP/1.1\r\nHost: x\r\nX-API-Key: " + KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY;

    @Test
    void atItsCapTheStreamListenerClosesTheLongestIdleKeptAliveConnectionForANewOne() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("idle-kept-alive-gateway.log");
        int streamPort = TestRedis.freePort();
        List<KeptAliveConnection> kept = new ArrayList<>();
        try (GatewayProcess gateway = GatewayProcess.start(
                "idle-cap",
                Map.of(
                        "STREAM_PORT",
                        String.valueOf(streamPort),
                        "KEEP_ALIVE_TIMEOUT",
                        "10m",
                        "MAX_PENDING_HEADS_PER_IP",
                        "100000",
                        "API_KEYS",
                        "idle:" + ApiKeyHash.of(KEY) + ":publish=*"),
                log,
                OptionalInt.of(512))) {
            Matcher caps = Pattern.compile("connection caps from the descriptor limit .*: public (\\d+)")
                    .matcher(Files.readString(log));
            assertThat(caps.find()).as("the caps line in %s", log).isTrue();
            int cap = Integer.parseInt(caps.group(1));
            try {
                // more kept-alive connections than the listener may hold, each answered, then left idle
                for (int i = 0; i < cap + 20; i++) {
                    KeptAliveConnection c = new KeptAliveConnection(streamPort, WAIT);
                    kept.add(c);
                    assertThat(c.send(PUBLISH).next().status())
                            .as("connection %d, the cap %d", i + 1, cap)
                            .isEqualTo(202);
                }
                // the first idle ones made room; the newest is still usable
                assertThat(kept.getFirst().closedWithin(WAIT)).isTrue();
                assertThat(kept.getLast().send(PUBLISH).next().status()).isEqualTo(202);
                // and a stream opens at once
                try (RawConnection stream = RawConnection.open("127.0.0.1", streamPort)) {
                    assertThat(stream.send("GET /sse/after HTTP/1.1\r\nHost: x\r\n\r\n")
                                    .readUntil("event: connected", WAIT))
                            .startsWith("HTTP/1.1 200 ");
                }
                // counted for operators: every connection beyond the cap cost an idle one
                String metrics = Http.get(gateway.admin("/metrics")).body();
                assertThat(Metrics.value(metrics, "switchboard_stream_listener_idle_shed_total"))
                        .isGreaterThanOrEqualTo(20);
                // nearly every connection held is an idle kept-alive one; those shed are no longer counted
                assertThat(Metrics.value(metrics, "switchboard_stream_listener_idle_connections"))
                        .isGreaterThan(cap / 2.0)
                        .isLessThanOrEqualTo(cap);
            } finally {
                for (KeptAliveConnection c : kept) {
                    c.close();
                }
            }
        }
    }
}
