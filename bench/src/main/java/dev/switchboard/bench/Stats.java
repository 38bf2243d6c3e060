package dev.switchboard.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles and medians of measured samples. */
final class Stats {
    private Stats() {}

    /**
     * @param samples samples (not modified)
     * @param count   how many to name
     * @return the indices of the largest samples, largest first (fewer when there are fewer samples)
     */
    static int[] largest(double[] samples, int count) {
        Integer[] order = new Integer[samples.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(samples[b], samples[a]));
        int[] top = new int[Math.min(count, order.length)];
        for (int k = 0; k < top.length; k++) {
            top[k] = order[k];
        }
        return top;
    }

    /**
     * @param samples samples (not modified)
     * @param p       percentile, 0 to 100
     * @return the nearest-rank percentile, or NaN without samples
     */
    static double percentile(double[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(double[] samples) {
        return percentile(samples, 50);
    }

    static double median(List<Double> samples) {
        return median(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * @param samples per thread, an array filled from the start
     * @param counts  per thread, how much of its array it filled (in {@code [0]})
     * @return all filled samples in one array
     */
    static double[] merge(List<double[]> samples, List<int[]> counts) {
        double[] all = new double[counts.stream().mapToInt(c -> c[0]).sum()];
        int at = 0;
        for (int t = 0; t < samples.size(); t++) {
            System.arraycopy(samples.get(t), 0, all, at, counts.get(t)[0]);
            at += counts.get(t)[0];
        }
        return all;
    }

    /** @return nanoseconds as milliseconds */
    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
