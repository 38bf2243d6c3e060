package dev.switchboard.bench;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client A/B behind the gateway's function-call engine ({@code run-all --clients}): the same POST to
 * the echo function from one shared client, as the gateway makes it, by Helidon's {@code WebClient} as
 * the gateway configured it before the engine, by the same client tuned as the engine configures it, by
 * the JDK {@code HttpClient}, and by the harness's own lean HTTP/1.1 client (one blocking keep-alive
 * socket per virtual thread: what a hand-written client could reach at best). Closed loop, one virtual
 * thread per concurrent call, levels interleaved so every client sees the same machine; every client is
 * warmed up (JIT) before the first measured row.
 */
final class ClientAB {
    private static final byte[] BODY = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);

    /** One client at one concurrency. */
    record Row(String client, int concurrency, Measured measured) {
        LoadLoop.Result result() {
            return measured.result();
        }
    }

    /**
     * @param result          the loop's figures
     * @param cpuMicrosPerCall this JVM's CPU (client and loop; the echo function is another process) per good
     *                         call over the measured window: what a saturated machine blurs least
     */
    record Measured(LoadLoop.Result result, double cpuMicrosPerCall) {}

    /** One call; true when the answer was good. Each virtual thread gets its own (for per-thread state). */
    private interface Caller extends AutoCloseable {
        boolean call() throws Exception;

        @Override
        default void close() throws IOException {}
    }

    private ClientAB() {}

    static List<Row> run(URI echo, int[] levels, Duration warmup, Duration measure) throws Exception {
        WebClient before = WebClient.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(false)
                .proxy(Proxy.noProxy())
                .protocolPreference(List.of("http/1.1"))
                .servicesDiscoverServices(false)
                .build();
        WebClient tuned = WebClient.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .tcpNoDelay(true)
                        .build())
                .followRedirects(false)
                .proxy(Proxy.noProxy())
                .protocolPreference(List.of("http/1.1"))
                .servicesDiscoverServices(false)
                .shareConnectionCache(false)
                .connectionCacheSize(256)
                .build();
        HttpClient jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        // JIT first, for every client alike: on a loaded machine a few seconds of warm-up per row are not enough
        for (int round = 0; round < 2; round++) {
            loop(() -> () -> helidon(before, echo), 16, warmup, Duration.ZERO);
            loop(() -> () -> helidon(tuned, echo), 16, warmup, Duration.ZERO);
            loop(() -> () -> jdk(jdk, echo), 16, warmup, Duration.ZERO);
        }
        List<Row> rows = new ArrayList<>();
        for (int c : levels) {
            rows.add(new Row(
                    "Helidon WebClient, before the engine",
                    c,
                    loop(() -> () -> helidon(before, echo), c, warmup, measure)));
            rows.add(new Row(
                    "Helidon WebClient, tuned (the engine)",
                    c,
                    loop(() -> () -> helidon(tuned, echo), c, warmup, measure)));
            rows.add(new Row("JDK HttpClient", c, loop(() -> () -> jdk(jdk, echo), c, warmup, measure)));
            rows.add(new Row(
                    "lean HTTP/1.1 (harness's Http1)",
                    c,
                    loop(
                            () -> {
                                Http1 http = new Http1(echo);
                                byte[] request = Requests.directEcho(http);
                                return new Caller() {
                                    @Override
                                    public boolean call() throws IOException {
                                        return http.send(request).status() == 200;
                                    }

                                    @Override
                                    public void close() throws IOException {
                                        http.close();
                                    }
                                };
                            },
                            c,
                            warmup,
                            measure)));
        }
        before.closeResource();
        tuned.closeResource();
        jdk.close();
        return rows;
    }

    private static boolean helidon(WebClient client, URI echo) throws IOException {
        try (HttpClientResponse response = client.post()
                        .uri(echo)
                        .readTimeout(Duration.ofSeconds(10))
                        .header(HeaderNames.CONTENT_TYPE, "application/json")
                        .header(HeaderNames.create("X-Request-ID"), "ab")
                        .submit(BODY);
                InputStream in = response.entity().inputStream()) {
            in.readAllBytes();
            return response.status().code() == 200;
        }
    }

    private static boolean jdk(HttpClient client, URI echo) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(echo)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Request-ID", "ab")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            in.readAllBytes();
        }
        return response.statusCode() == 200;
    }

    private static Measured loop(
            java.util.function.Supplier<Caller> callers, int concurrency, Duration warmup, Duration measure)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong errors = new AtomicLong();
        List<double[]> perThread = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            double[] samples = new double[1_000_000 / Math.max(1, concurrency / 4)];
            int[] count = new int[1];
            perThread.add(samples);
            counts.add(count);
            threads.add(Thread.ofVirtual().start(() -> {
                Caller caller = callers.get();
                while (true) {
                    long sent = System.nanoTime();
                    if (sent >= end || count[0] >= samples.length) {
                        break;
                    }
                    boolean ok;
                    try {
                        ok = caller.call();
                    } catch (Exception e) {
                        ok = false;
                    }
                    long done = System.nanoTime();
                    if (sent >= measureFrom && done <= end) {
                        if (ok) {
                            samples[count[0]++] = Stats.millis(done - sent);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                }
                try {
                    caller.close();
                } catch (Exception e) {
                    // the run is over
                }
            }));
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        long cpuFrom = processCpuNanos();
        for (Thread t : threads) {
            t.join();
        }
        long cpu = processCpuNanos() - cpuFrom;
        double[] all = Stats.merge(perThread, counts);
        return new Measured(
                new LoadLoop.Result(all.length, errors.get(), measure, all), cpu / 1000.0 / Math.max(1, all.length));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String markdown(List<Row> rows, Duration warmup, Duration measure) {
        StringBuilder s = new StringBuilder("| Concurrency | Client | Calls/s | p50 | p99 | CPU per call | Errors |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            s.append("| %d | %s | %,.0f | %.3f ms | %.3f ms | %.1f µs | %d |\n"
                    .formatted(
                            r.concurrency(),
                            r.client(),
                            r.result().throughput(),
                            r.result().p50(),
                            r.result().p99(),
                            r.measured().cpuMicrosPerCall(),
                            r.result().errors()));
        }
        return s.append("\n(%d s warm-up, %d s measured per row)\n".formatted(warmup.toSeconds(), measure.toSeconds()))
                .toString();
    }
}
