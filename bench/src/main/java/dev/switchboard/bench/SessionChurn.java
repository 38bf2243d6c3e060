package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 6: whole MCP sessions, each {@code initialize}, {@code notifications/initialized}, one
 * {@code tools/call} and {@code DELETE}, in a closed loop at fixed concurrency for a bounded time.
 */
final class SessionChurn {
    /** Sessions completed per second, failures, and one session's duration in milliseconds. */
    record Result(double sessionsPerSecond, long failures, double p50, double p99) {}

    private SessionChurn() {}

    static Result run(URI gateway, int concurrency, Duration measure) throws InterruptedException {
        long end = System.nanoTime() + measure.toNanos();
        AtomicLong failures = new AtomicLong();
        List<double[]> samples = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            double[] s = new double[200_000];
            int[] count = new int[1];
            samples.add(s);
            counts.add(count);
            threads.add(Thread.ofVirtual().start(() -> {
                try (Http1 http = new Http1(gateway)) {
                    while (System.nanoTime() < end && count[0] < s.length) {
                        long begun = System.nanoTime();
                        try {
                            String session = Requests.initialize(http, "/mcp/tools");
                            Http1.Answer call = http.send(
                                    "POST",
                                    "/mcp/tools",
                                    Requests.mcpHeaders(session),
                                    Requests.toolsCall(1).getBytes(StandardCharsets.UTF_8));
                            Http1.Answer deleted =
                                    http.send("DELETE", "/mcp/tools", Requests.mcpHeaders(session), null);
                            if (Requests.isToolResult(call) && deleted.status() == 204) {
                                s[count[0]++] = Stats.millis(System.nanoTime() - begun);
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] all = Stats.merge(samples, counts);
        return new Result(all.length / seconds, failures.get(), Stats.percentile(all, 50), Stats.percentile(all, 99));
    }
}
