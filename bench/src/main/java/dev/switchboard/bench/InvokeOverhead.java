package dev.switchboard.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 3: the same echo function called directly, through nginx {@code proxy_pass}, and through
 * {@code POST /invoke/echo}, at fixed concurrency levels, in alternating slices ({@link Interleaved}) so that
 * all of them see the same machine conditions, in several rounds: a target is met only when every round meets
 * it, as one round on a shared machine can land either side of it.
 */
final class InvokeOverhead {
    /** One target at one concurrency in one round (numbered from 1). */
    record Row(String target, int concurrency, int round, LoadLoop.Result result) {}

    private InvokeOverhead() {}

    /** The row of {@code /invoke} on the gateway's stream listener ({@code STREAM_PORT}). */
    static final String ON_STREAM_PORT = "gateway /invoke (STREAM_PORT)";

    /**
     * @param gatewayStream the gateway's stream listener, which serves {@code /invoke} too; null for none
     * @param rounds        times every level's rows run, one round after the other (levels within a round)
     */
    static List<Row> run(
            URI direct,
            URI nginx,
            URI gateway,
            URI gatewayStream,
            int[] levels,
            int rounds,
            Duration warmup,
            Duration measure)
            throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            BenchMain.log("invoke overhead, round %d of %d".formatted(round, rounds));
            for (int c : levels) {
                List<String> names = new ArrayList<>();
                List<Interleaved.Target> targets = new ArrayList<>();
                names.add("direct");
                targets.add(new Interleaved.Target(direct, Requests::directEcho, a -> a.status() == 200));
                if (nginx != null) {
                    names.add("nginx proxy_pass");
                    targets.add(new Interleaved.Target(nginx, Requests::directEcho, a -> a.status() == 200));
                }
                names.add("gateway /invoke");
                targets.add(invokes(gateway));
                if (gatewayStream != null) {
                    names.add(ON_STREAM_PORT);
                    targets.add(invokes(gatewayStream));
                }
                List<LoadLoop.Result> results = Interleaved.run(targets, c, warmup, measure);
                for (int i = 0; i < names.size(); i++) {
                    rows.add(new Row(names.get(i), c, round, results.get(i)));
                }
            }
        }
        return rows;
    }

    private static Interleaved.Target invokes(URI listener) {
        return new Interleaved.Target(
                listener,
                Requests::gatewayInvoke,
                a -> a.status() == 200 && a.text().contains("\"success\":true"));
    }
}
