package dev.switchboard.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * What a JVM has allocated so far, read from outside with {@code jstat -gc}: its young collections times
 * eden's capacity, plus what eden holds now. Allocation repeats from window to window where CPU time does not on
 * a shared machine (±2% against ±15% here), so it shows a change to the call path that CPU cannot. Exact to a
 * TLAB's leftover per collection with a fixed young generation (the gateway's {@code -Xmn}); only an estimate
 * under a collector that resizes eden between collections.
 */
final class YoungAllocation {
    private YoungAllocation() {}

    /**
     * @param pid a JVM of the same user, run by a JDK whose {@code jstat} this one's can read
     * @return bytes allocated so far (see the class comment)
     * @throws IOException when jstat cannot be run or prints no figures
     */
    static long of(long pid) throws IOException, InterruptedException {
        JdkTool.Output jstat = JdkTool.run("jstat", "-gc", String.valueOf(pid));
        if (jstat.exit() != 0) {
            throw new IOException(
                    "jstat -gc " + pid + " failed: " + jstat.text().strip());
        }
        return parse(jstat.text());
    }

    /**
     * @param jstatGc what {@code jstat -gc} printed: a line of column names, then a line of figures (KB)
     * @return bytes allocated so far
     * @throws IOException when the columns {@code EC}, {@code EU} and {@code YGC} are not all there
     */
    static long parse(String jstatGc) throws IOException {
        String[] lines = jstatGc.strip().split("\n");
        if (lines.length < 2) {
            throw new IOException("not jstat -gc output: " + jstatGc.strip());
        }
        List<String> names = Arrays.asList(lines[0].strip().split("\\s+"));
        String[] figures = lines[lines.length - 1].strip().split("\\s+");
        int capacity = names.indexOf("EC");
        int used = names.indexOf("EU");
        int collections = names.indexOf("YGC");
        if (capacity < 0 || used < 0 || collections < 0 || figures.length != names.size()) {
            throw new IOException("no EC, EU and YGC in jstat -gc output: " + jstatGc.strip());
        }
        double kilobytes = Long.parseLong(figures[collections]) * Double.parseDouble(figures[capacity])
                + Double.parseDouble(figures[used]);
        return Math.round(kilobytes * 1024);
    }
}
