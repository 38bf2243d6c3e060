package dev.switchboard.gateway.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of calls to each function (invoke and MCP): calls, failures and a coarse latency histogram
 * whose buckets add up across replicas, so the monitoring page can show fleet-wide p50/p99 over a recent window
 * (the difference of two totals). Counting is lock-free: this runs on every call.
 */
public final class FunctionStats {
    /** Upper bounds of the latency buckets in milliseconds; a last bucket holds everything slower. */
    public static final long[] BOUNDS_MILLIS = {
        1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000
    };

    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /**
     * @param function the function called
     * @param millis   time to its answer
     * @param failed   whether it failed (error, time-out), as opposed to answering
     */
    public void record(String function, long millis, boolean failed) {
        Series s = series.computeIfAbsent(function, f -> new Series());
        s.calls.increment();
        if (failed) {
            s.failures.increment();
        }
        s.buckets[bucket(millis)].increment();
    }

    static int bucket(long millis) {
        for (int i = 0; i < BOUNDS_MILLIS.length; i++) {
            if (millis <= BOUNDS_MILLIS[i]) {
                return i;
            }
        }
        return BOUNDS_MILLIS.length;
    }

    /** @return calls to every function since start (cheaper than {@link #totals()}: no copy) */
    public long callsTotal() {
        long calls = 0;
        for (Series s : series.values()) {
            calls += s.calls.sum();
        }
        return calls;
    }

    /** @return every function's totals since start, by name */
    public Map<String, Totals> totals() {
        Map<String, Totals> all = new TreeMap<>();
        series.forEach((name, s) -> {
            long[] buckets = new long[s.buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = s.buckets[i].sum();
            }
            all.put(name, new Totals(s.calls.sum(), s.failures.sum(), buckets));
        });
        return all;
    }

    /**
     * @param calls    calls
     * @param failures of which failed
     * @param buckets  calls per latency bucket ({@link #BOUNDS_MILLIS}, then the overflow)
     */
    public record Totals(long calls, long failures, long[] buckets) {
        /** No calls. */
        public static final Totals NONE = new Totals(0, 0, new long[BOUNDS_MILLIS.length + 1]);

        /**
         * @param earlier totals taken before
         * @return what happened since then
         */
        public Totals since(Totals earlier) {
            long[] delta = new long[buckets.length];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = buckets[i] - (i < earlier.buckets.length ? earlier.buckets[i] : 0);
            }
            return new Totals(calls - earlier.calls, failures - earlier.failures, delta);
        }

        /**
         * @param other more calls
         * @return the sum of both
         */
        public Totals plus(Totals other) {
            long[] sum = new long[Math.max(buckets.length, other.buckets.length)];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = (i < buckets.length ? buckets[i] : 0) + (i < other.buckets.length ? other.buckets[i] : 0);
            }
            return new Totals(calls + other.calls, failures + other.failures, sum);
        }

        /**
         * @param quantile e.g. 0.99
         * @return the upper bound in ms of the bucket holding that quantile ({@code -1} without calls); the
         *         overflow bucket reports twice the last bound
         */
        public long quantileMillis(double quantile) {
            long total = 0;
            for (long b : buckets) {
                total += b;
            }
            if (total == 0) {
                return -1;
            }
            long rank = (long) Math.ceil(quantile * total);
            long seen = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= rank) {
                    return i < BOUNDS_MILLIS.length ? BOUNDS_MILLIS[i] : 2 * BOUNDS_MILLIS[BOUNDS_MILLIS.length - 1];
                }
            }
            return 2 * BOUNDS_MILLIS[BOUNDS_MILLIS.length - 1];
        }
    }

    private static final class Series {
        private final LongAdder calls = new LongAdder();
        private final LongAdder failures = new LongAdder();
        private final LongAdder[] buckets = new LongAdder[BOUNDS_MILLIS.length + 1];

        private Series() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }
}
