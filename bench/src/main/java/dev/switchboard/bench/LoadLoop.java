package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A closed loop at fixed concurrency: each of {@code concurrency} virtual threads owns one keep-alive
 * connection and sends the same request again as soon as the last answer is read. A warm-up runs first
 * and is not counted; the measured phase is bounded in time and in requests.
 */
final class LoadLoop {
    /** Most requests one thread records, so a long run cannot exhaust memory. */
    private static final int MAX_SAMPLES_PER_THREAD = 1_000_000;

    /**
     * @param requests  answers counted as good
     * @param errors    failed exchanges and answers the check refused
     * @param elapsed   the measured phase's length
     * @param latencies per good request, milliseconds
     */
    record Result(long requests, long errors, Duration elapsed, double[] latencies) {
        double throughput() {
            return requests / (elapsed.toNanos() / 1e9);
        }

        double p50() {
            return Stats.percentile(latencies, 50);
        }

        double p99() {
            return Stats.percentile(latencies, 99);
        }

        /** @return the figures of several windows of one row, as one window as long as theirs together */
        static Result merged(List<Result> parts) {
            long requests = 0;
            long errors = 0;
            Duration elapsed = Duration.ZERO;
            List<double[]> latencies = new ArrayList<>();
            List<int[]> counts = new ArrayList<>();
            for (Result part : parts) {
                requests += part.requests();
                errors += part.errors();
                elapsed = elapsed.plus(part.elapsed());
                latencies.add(part.latencies());
                counts.add(new int[] {part.latencies().length});
            }
            return new Result(requests, errors, elapsed, Stats.merge(latencies, counts));
        }
    }

    private LoadLoop() {}

    /**
     * @param base        server address
     * @param request     builds the request bytes for one connection (so per-connection headers are possible)
     * @param good        what a good answer looks like
     * @param concurrency connections, one thread each
     * @param warmup      unmeasured time first
     * @param measure     measured time
     * @return what was measured
     * @throws InterruptedException when interrupted
     */
    static Result run(
            URI base,
            java.util.function.Function<Http1, byte[]> request,
            Predicate<Http1.Answer> good,
            int concurrency,
            Duration warmup,
            Duration measure)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong errors = new AtomicLong();
        List<double[]> perThread = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            double[] samples = new double[MAX_SAMPLES_PER_THREAD / Math.max(1, concurrency / 4)];
            int[] count = new int[1];
            perThread.add(samples);
            counts.add(count);
            threads.add(Thread.ofVirtual().start(() -> {
                try (Http1 http = new Http1(base)) {
                    byte[] bytes = request.apply(http);
                    while (true) {
                        long sent = System.nanoTime();
                        if (sent >= end || count[0] >= samples.length) {
                            return;
                        }
                        boolean ok;
                        try {
                            ok = good.test(http.send(bytes));
                        } catch (IOException e) {
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
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double[] all = Stats.merge(perThread, counts);
        return new Result(all.length, errors.get(), measure, all);
    }
}
