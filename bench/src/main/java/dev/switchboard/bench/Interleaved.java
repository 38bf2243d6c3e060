package dev.switchboard.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rows of one comparison (a call direct, through nginx, through the gateway) measured in alternating slices
 * rather than one after the other: each row's window is {@link #SLICES} short windows spread over the same minute
 * as the others', so that a slow spell of this shared host (seconds long, bench/notes.md) falls on every row
 * alike instead of on whichever row ran then. A row's figures are its slices' together (their calls, errors,
 * latencies and time). The order of the rows turns by one each slice, so that none always follows the same one.
 */
final class Interleaved {
    /** Slices per row and measurement; {@code -Dbench.slices=1} measures the rows one after the other, as before. */
    static final int SLICES = Integer.getInteger("bench.slices", 5);
    /**
     * Unmeasured time before every slice but the first (connections opened, sessions initialized, a ramp), or the
     * first's warm-up where that is shorter (toy runs).
     */
    static final Duration SLICE_WARMUP = Duration.ofSeconds(1);

    /**
     * One row's calls.
     *
     * @param base    where they go
     * @param request a connection's request (opening a session first where it needs one)
     * @param good    what a good answer looks like
     */
    record Target(URI base, Function<Http1, byte[]> request, Predicate<Http1.Answer> good) {}

    private Interleaved() {}

    /**
     * @param targets     the rows
     * @param concurrency connections per row
     * @param warmup      unmeasured time before each row's first slice (the JIT's, the function's)
     * @param measure     each row's measured time in all, split into {@link #SLICES} slices
     * @return each row's figures, in the order of {@code targets}
     * @throws InterruptedException when interrupted
     */
    static List<LoadLoop.Result> run(List<Target> targets, int concurrency, Duration warmup, Duration measure)
            throws InterruptedException {
        List<List<LoadLoop.Result>> slices = new ArrayList<>();
        targets.forEach(t -> slices.add(new ArrayList<>()));
        Duration slice = measure.dividedBy(SLICES);
        for (int s = 0; s < SLICES; s++) {
            for (int i = 0; i < targets.size(); i++) {
                int row = (s + i) % targets.size();
                Target target = targets.get(row);
                slices.get(row)
                        .add(LoadLoop.run(
                                target.base(),
                                target.request(),
                                target.good(),
                                concurrency,
                                s == 0 || warmup.compareTo(SLICE_WARMUP) < 0 ? warmup : SLICE_WARMUP,
                                slice));
            }
        }
        return slices.stream().map(LoadLoop.Result::merged).toList();
    }
}
