package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What one open monitoring page costs the gateway: CPU of a gateway holding N idle streams over windows that
 * alternate between no page and one page's feed open ({@code GET /admin/ui/feed}), so that the machine's drift
 * and noise show beside the difference.
 */
final class MonitorCost {
    /** Figures in ms of CPU per second of wall time. */
    record Result(int connections, double[] withoutPage, double[] withPage, long fleetEvents, double windowSeconds) {
        double mean(double[] values) {
            return java.util.Arrays.stream(values).average().orElse(Double.NaN);
        }
    }

    /** Windows with a page open; one more without, before, between and after them. */
    static final int ROUNDS = 3;

    private MonitorCost() {}

    static Result run(Rig rig, int n, Duration window) throws IOException, InterruptedException {
        Rig.Server gateway = rig.gateway(
                "bench-monitor",
                Map.of(
                        "HEARTBEAT_INTERVAL",
                        "15s",
                        "MAX_CONNECTIONS",
                        String.valueOf(n + 100),
                        "MAX_STREAMS_PER_IP",
                        String.valueOf(n + 100),
                        "MAX_PENDING_HEADS_PER_IP",
                        "1000000"));
        try (SseHerd herd = new SseHerd(
                "127.0.0.1", gateway.streamPort(), i -> "/sse/idle-" + i, Map.of("Accept", "text/event-stream"))) {
            herd.open(n, Duration.ofSeconds(Math.max(30, n / 200)));
            // past the opening's JIT and garbage
            Thread.sleep(15_000);
            double[] without = new double[ROUNDS + 1];
            double[] with = new double[ROUNDS];
            long fleetEvents = 0;
            for (int round = 0; round <= ROUNDS; round++) {
                without[round] = gateway.proc().cpuMillisPerSecond(window);
                if (round == ROUNDS) {
                    break;
                }
                try (Feed feed = Feed.open(gateway)) {
                    Thread.sleep(2000);
                    long before = feed.events.get();
                    with[round] = gateway.proc().cpuMillisPerSecond(window);
                    fleetEvents += feed.events.get() - before;
                }
                Thread.sleep(2000);
            }
            if (herd.closed() > 0) {
                throw new IllegalStateException(herd.closed() + " idle streams were closed");
            }
            return new Result(n, without, with, fleetEvents / ROUNDS, window.toSeconds());
        } finally {
            rig.stop(gateway);
        }
    }

    /** One page's feed, read line by line on a virtual thread. */
    private record Feed(HttpClient client, HttpResponse<Stream<String>> response, AtomicLong events, Thread reader)
            implements AutoCloseable {
        static Feed open(Rig.Server gateway) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> response = client.send(
                    HttpRequest.newBuilder(URI.create(gateway.adminUri() + "/admin/ui/feed"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the feed answered " + response.statusCode());
            }
            AtomicLong events = new AtomicLong();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (Stream<String> lines = response.body()) {
                    lines.filter("event: fleet"::equals).forEach(l -> events.incrementAndGet());
                } catch (RuntimeException e) {
                    // closed
                }
            });
            return new Feed(client, response, events, reader);
        }

        @Override
        public void close() throws InterruptedException {
            response.body().close();
            client.close();
            reader.join(5000);
        }
    }

    static String markdown(Result r, String command) {
        java.util.function.Function<double[], String> list = values -> java.util.Arrays.stream(values)
                .mapToObj(v -> String.format(java.util.Locale.ROOT, "%.1f", v))
                .collect(java.util.stream.Collectors.joining(", "));
        return String.format(
                java.util.Locale.ROOT,
                """
                ## Monitoring page cost

                One gateway holding %,d idle streams (stream listener, heartbeats every 15 s). Gateway CPU over %.0f s
                windows, alternating: without a page, with one monitoring page's feed open (`GET /admin/ui/feed`, %d
                `fleet` events per window at the default `MONITOR_INTERVAL` of 2 s), without, and so on.

                | Windows | Gateway CPU, mean | Each window |
                | --- | --- | --- |
                | no page | %.1f ms/s | %s ms/s |
                | one open page | %.1f ms/s | %s ms/s |

                Command: `%s`
                """,
                r.connections(),
                r.windowSeconds(),
                r.fleetEvents(),
                r.mean(r.withoutPage()),
                list.apply(r.withoutPage()),
                r.mean(r.withPage()),
                list.apply(r.withPage()),
                command);
    }
}
