package dev.switchboard.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 3: the same echo function called directly, through nginx {@code proxy_pass}, and through
 * {@code POST /invoke/echo}, at fixed concurrency levels, interleaved so that all three see the same
 * machine conditions.
 */
final class InvokeOverhead {
    /** One target at one concurrency. */
    record Row(String target, int concurrency, LoadLoop.Result result) {}

    private InvokeOverhead() {}

    /** The row of {@code /invoke} on the gateway's stream listener ({@code STREAM_PORT}). */
    static final String ON_STREAM_PORT = "gateway /invoke (STREAM_PORT)";

    /**
     * @param gatewayStream the gateway's stream listener, which serves {@code /invoke} too; null for none
     */
    static List<Row> run(
            URI direct, URI nginx, URI gateway, URI gatewayStream, int[] levels, Duration warmup, Duration measure)
            throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int c : levels) {
            rows.add(new Row(
                    "direct",
                    c,
                    LoadLoop.run(direct, Requests::directEcho, a -> a.status() == 200, c, warmup, measure)));
            if (nginx != null) {
                rows.add(new Row(
                        "nginx proxy_pass",
                        c,
                        LoadLoop.run(nginx, Requests::directEcho, a -> a.status() == 200, c, warmup, measure)));
            }
            rows.add(new Row(
                    "gateway /invoke",
                    c,
                    LoadLoop.run(
                            gateway,
                            Requests::gatewayInvoke,
                            a -> a.status() == 200 && a.text().contains("\"success\":true"),
                            c,
                            warmup,
                            measure)));
            if (gatewayStream != null) {
                rows.add(new Row(
                        ON_STREAM_PORT,
                        c,
                        LoadLoop.run(
                                gatewayStream,
                                Requests::gatewayInvoke,
                                a -> a.status() == 200 && a.text().contains("\"success\":true"),
                                c,
                                warmup,
                                measure)));
            }
        }
        return rows;
    }
}
