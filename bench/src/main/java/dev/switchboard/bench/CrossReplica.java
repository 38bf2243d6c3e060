package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Scenario 5: an event for a stream held by replica A, posted (async invoke) on replica B, against the
 * same event posted on A itself; alternating, so both see the same conditions. Latency is from sending the
 * POST to the event's arrival on the stream.
 */
final class CrossReplica {
    /** Latencies in milliseconds. */
    record Result(int samples, double sameP50, double sameP99, double crossP50, double crossP99) {}

    private CrossReplica() {}

    static Result run(Rig.Server a, Rig.Server b, int samples) throws IOException, InterruptedException {
        double[] same = new double[samples];
        double[] cross = new double[samples];
        try (SseHerd stream =
                        new SseHerd("127.0.0.1", a.port(), i -> "/sse/roamer", Map.of("Accept", "text/event-stream"));
                Http1 onA = new Http1(a.uri());
                Http1 onB = new Http1(b.uri())) {
            stream.open(1, Duration.ofSeconds(10));
            for (int i = 0; i < samples * 2; i++) {
                boolean viaB = i % 2 == 1;
                String marker = "x-" + i + "-";
                SseHerd.Watch watch = stream.watch(marker);
                long sent = System.nanoTime();
                Http1.Answer answer = (viaB ? onB : onA)
                        .send(
                                "POST",
                                "/invoke/echo",
                                Map.of("Content-Type", "application/json"),
                                ("{\"payload\":\"" + marker + "\",\"client_id\":\"roamer\",\"async\":true}")
                                        .getBytes(StandardCharsets.UTF_8));
                if (answer.status() != 202 || !watch.await(1, Duration.ofSeconds(10))) {
                    throw new IllegalStateException("event " + i + " did not arrive (" + answer.status() + ")");
                }
                (viaB ? cross : same)[i / 2] = Stats.millis(watch.lastNanos - sent);
            }
        }
        return new Result(
                samples,
                Stats.percentile(same, 50),
                Stats.percentile(same, 99),
                Stats.percentile(cross, 50),
                Stats.percentile(cross, 99));
    }
}
