package dev.switchboard.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Section 6's comparison: the in-memory gateway and a gateway on Redis, both first run until their rates are steady
 * ({@link #warm}), then measured in turn, each after a warm-up of its own, for several rounds; the ratio is taken per round, so that both rates of a ratio share the machine's state
 * (JIT, load), and the target holds only when every round meets it.
 */
final class ChurnRounds {
    /** One round: the in-memory gateway's sessions, then the Redis gateway's. */
    record Round(SessionChurn.Result memory, SessionChurn.Result redis) {
        double ratio() {
            return redis.sessionsPerSecond() / memory.sessionsPerSecond();
        }
    }

    /** The rounds, in order. */
    record Result(List<Round> rounds, int concurrency, long seconds) {
        long failures() {
            return rounds.stream()
                    .mapToLong(r -> r.memory().failures() + r.redis().failures())
                    .sum();
        }

        double[] sortedRatios() {
            double[] ratios = rounds.stream().mapToDouble(Round::ratio).toArray();
            Arrays.sort(ratios);
            return ratios;
        }

        /** @return the rounds as a markdown table, and the median and range of their ratios */
        String table() {
            StringBuilder table = new StringBuilder("| Round | Memory sessions/s | Redis sessions/s | Redis / memory "
                    + "| Memory p50 | Redis p50 | Failures |\n| --- | --- | --- | --- | --- | --- | --- |\n");
            for (int i = 0; i < rounds.size(); i++) {
                Round r = rounds.get(i);
                table.append("| %d | %,.0f | %,.0f | %.2f× | %.2f ms | %.2f ms | %d |\n"
                        .formatted(
                                i + 1,
                                r.memory().sessionsPerSecond(),
                                r.redis().sessionsPerSecond(),
                                r.ratio(),
                                r.memory().p50(),
                                r.redis().p50(),
                                r.memory().failures() + r.redis().failures()));
            }
            double[] sorted = sortedRatios();
            table.append("\nRedis / memory: median %.2f×, range %.2f×–%.2f× over %d rounds; concurrency %d, %d s "
                    .formatted(
                            sorted[sorted.length / 2],
                            sorted[0],
                            sorted[sorted.length - 1],
                            sorted.length,
                            concurrency,
                            seconds));
            return table.toString();
        }
    }

    /** The warm-up ends once a window's rate is within this share of the one before. */
    private static final double STEADY = 0.10;
    /** Windows at most (a minute): a gateway that never settles is measured as it is. */
    private static final int MAX_WARM_WINDOWS = 12;

    private ChurnRounds() {}

    /** @return rates as whole numbers, for the log */
    private static String rates(List<Double> rates) {
        return rates.stream().map(r -> "%.0f".formatted(r)).toList().toString();
    }

    /**
     * Runs sessions on a gateway until its rate stops climbing: a JVM on two shared cores compiles its Redis path
     * for 30-40 s under this load (its CPU above 100% while the function starves; bench/notes.md), and a round
     * measured before then compares a gateway still compiling with a warm one.
     *
     * @return the windows' rates, in order
     */
    private static List<Double> warm(URI gateway, int concurrency, BenchMain.Plan plan) throws InterruptedException {
        // half a measurement: 5 s in the full run, shorter in a smoke run
        Duration window = plan.measure().dividedBy(2);
        List<Double> rates = new ArrayList<>();
        while (rates.size() < MAX_WARM_WINDOWS) {
            double rate = SessionChurn.run(gateway, concurrency, window).sessionsPerSecond();
            boolean steady = !rates.isEmpty() && Math.abs(rate - rates.getLast()) <= STEADY * rates.getLast();
            rates.add(rate);
            if (steady) {
                break;
            }
        }
        return rates;
    }

    static Result run(URI memory, URI redis, int concurrency, BenchMain.Plan plan, int rounds)
            throws InterruptedException {
        BenchMain.log("session churn: warm-up sessions/s, memory " + rates(warm(memory, concurrency, plan)) + ", Redis "
                + rates(warm(redis, concurrency, plan)));
        List<Round> done = new ArrayList<>(rounds);
        for (int r = 0; r < rounds; r++) {
            BenchMain.log("session churn round %d: memory".formatted(r + 1));
            SessionChurn.run(memory, concurrency, plan.warmup());
            SessionChurn.Result m = SessionChurn.run(memory, concurrency, plan.measure());
            BenchMain.log("session churn round %d: Redis".formatted(r + 1));
            SessionChurn.run(redis, concurrency, plan.warmup());
            done.add(new Round(m, SessionChurn.run(redis, concurrency, plan.measure())));
        }
        return new Result(done, concurrency, plan.measure().toSeconds());
    }
}
