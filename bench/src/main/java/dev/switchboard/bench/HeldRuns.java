package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Sections 1 and 2 repeated: the same server measured in {@link #RUNS} runs, each on a fresh process, reported as
 * medians with their spread. What a JVM commits and touches between collections changes from one run to the next
 * (measured: 4× between two runs with default settings), so one run cannot show that memory stays below a peer's.
 * The runs conclude when their spread is narrower than their distance from the target: against a peer, the
 * same-run ratios' spread (max − min) must be smaller than the median ratio's distance from 1.0× (so that no run
 * could land on the other side of it); without a peer, the figure's spread must stay within {@link #MAX_SPREAD}
 * of its median. Otherwise the run fails as inconclusive.
 */
final class HeldRuns {
    /** Runs per server in a full run ({@code --held} too); the smoke runs fewer. */
    static final int RUNS = 3;
    /** Without a peer: the largest spread ((max - min) / median) of PSS per connection that still concludes. */
    static final double MAX_SPREAD = 0.5;

    private HeldRuns() {}

    /** One server's runs, in order. */
    record Summary(String server, List<HeldConnections.Result> runs) {
        Summary {
            runs = List.copyOf(runs);
        }

        double median(ToDoubleFunction<HeldConnections.Result> figure) {
            return Stats.median(runs.stream().mapToDouble(figure).toArray());
        }

        /** @return (max - min) / median of a figure over the runs */
        double spread(ToDoubleFunction<HeldConnections.Result> figure) {
            double[] values = runs.stream().mapToDouble(figure).toArray();
            double min = java.util.Arrays.stream(values).min().orElse(Double.NaN);
            double max = java.util.Arrays.stream(values).max().orElse(Double.NaN);
            return (max - min) / Stats.median(values);
        }

        double pssSpread() {
            return spread(HeldConnections.Result::pssPerConnection);
        }

        /** @return one row of medians (counts summed: drops and losses of any run show) */
        HeldConnections.Result medians() {
            HeldConnections.Result first = runs.getFirst();
            return new HeldConnections.Result(
                    server,
                    first.connections(),
                    median(HeldConnections.Result::pssPerConnection),
                    median(HeldConnections.Result::heapPerConnection),
                    median(HeldConnections.Result::firstWindowCpuMillisPerSecond),
                    median(HeldConnections.Result::cpuMillisPerSecond),
                    median(HeldConnections.Result::idleCpuMillisPerSecond),
                    runs.stream().mapToLong(HeldConnections.Result::heartbeats).sum(),
                    runs.stream()
                            .mapToDouble(HeldConnections.Result::heartbeatsExpected)
                            .sum(),
                    runs.stream().mapToInt(HeldConnections.Result::dropped).sum(),
                    median(HeldConnections.Result::fanOutP50),
                    median(HeldConnections.Result::fanOutP99),
                    median(HeldConnections.Result::sustainedPerSecond),
                    runs.stream().mapToLong(HeldConnections.Result::lost).sum());
        }
    }

    /** @return each run's PSS per connection over the peer's in the same run */
    static double[] ratios(Summary server, Summary peer) {
        int n = Math.min(server.runs().size(), peer.runs().size());
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] =
                    server.runs().get(i).pssPerConnection() / peer.runs().get(i).pssPerConnection();
        }
        return ratios;
    }

    /**
     * @param server the gateway's runs
     * @param peer   the peer's runs beside them, or null without a peer
     * @return why the runs do not conclude on memory against the 1.0× target, or an empty list
     */
    static List<String> inconclusive(Summary server, Summary peer) {
        if (peer == null) {
            return inconclusive(List.of(server));
        }
        double[] ratios = ratios(server, peer);
        double min = java.util.Arrays.stream(ratios).min().orElse(Double.NaN);
        double max = java.util.Arrays.stream(ratios).max().orElse(Double.NaN);
        double median = Stats.median(ratios);
        double margin = Math.abs(1.0 - median);
        if (max - min < margin) {
            return List.of();
        }
        return List.of(("%s: memory per idle connection over %s's, same run: %s; their spread (%.2f) is not narrower "
                        + "than the median's distance from the 1.0× target (%.2f): too wide to conclude")
                .formatted(
                        server.server(),
                        peer.server(),
                        java.util.Arrays.stream(ratios)
                                .mapToObj("%.2f×"::formatted)
                                .toList(),
                        max - min,
                        margin));
    }

    /**
     * @return why the runs do not conclude (a server's PSS per connection spread wider than {@link #MAX_SPREAD}),
     *         or an empty list
     */
    static List<String> inconclusive(List<Summary> summaries) {
        List<String> reasons = new ArrayList<>();
        for (Summary s : summaries) {
            double spread = s.pssSpread();
            if (!(spread <= MAX_SPREAD)) {
                reasons.add(
                        "%s: memory per idle connection spread %.0f%% over %d runs (%s), more than %.0f%%: too wide to conclude"
                                .formatted(
                                        s.server(),
                                        spread * 100,
                                        s.runs().size(),
                                        s.runs().stream()
                                                .map(r -> "%.1f KB".formatted(r.pssPerConnection() / 1000))
                                                .toList(),
                                        MAX_SPREAD * 100));
            }
        }
        return reasons;
    }
}
