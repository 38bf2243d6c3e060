package dev.switchboard.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Level;

/**
 * How far the heap may grow, and where that bound came from. Under a steady load of large requests the collector
 * grows the heap towards its bound rather than collecting (docs/operations.md), so a bound the JVM derived from
 * the whole host's memory (no container memory limit, no {@code -Xmx}) is worth a warning at start.
 *
 * @param maxHeap    the heap's bound, bytes
 * @param visible    the memory the JVM sized it from: a container's limit, else the host's
 * @param host       the host's memory ({@code /proc/meminfo}), or 0 where unknown
 * @param explicit   whether the bound was given ({@code -Xmx}) rather than derived
 */
record HeapBound(long maxHeap, long visible, long host, boolean explicit) {
    /** A container limit within this of the host's memory is no limit worth the name. */
    private static final long SAME_MEMORY = 64L << 20;

    /** @return this JVM's */
    static HeapBound ofThisJvm() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long visible = os.getTotalMemorySize();
        try {
            // MaxHeapSize as set or computed (Runtime.maxMemory leaves out a survivor space under some collectors)
            VMOption option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize");
            boolean given =
                    option.getOrigin() != VMOption.Origin.ERGONOMIC && option.getOrigin() != VMOption.Origin.DEFAULT;
            return new HeapBound(Long.parseLong(option.getValue()), visible, hostMemory(), given);
        } catch (RuntimeException e) {
            // not HotSpot: the bound, and nothing to warn of
            return new HeapBound(Runtime.getRuntime().maxMemory(), visible, 0, true);
        }
    }

    /** @return whether the bound was derived from the whole host's memory */
    boolean fromHost() {
        return !explicit && host > 0 && Math.abs(visible - host) < SAME_MEMORY;
    }

    /** @return how loud to say it: a warning when the bound is the host's */
    Level level() {
        return fromHost() ? Level.WARNING : Level.INFO;
    }

    /** @return the line to log at start */
    String describe() {
        String bound = "heap bound " + size(maxHeap);
        if (explicit) {
            return bound + " (-Xmx)";
        }
        if (!fromHost()) {
            return bound + " (" + percent() + " of the container's memory limit, " + size(visible) + ")";
        }
        return bound + ", " + percent() + " of this host's " + size(host) + ": no container memory limit and no -Xmx. "
                + "Under a steady load of large requests the heap grows towards its bound before it is collected; "
                + "set a memory limit or -Xmx (docs/operations.md)";
    }

    private String percent() {
        return Math.round(100.0 * maxHeap / visible) + "%";
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : (bytes >> 20) + " MB";
    }

    /** @return MemTotal of /proc/meminfo (the host's even inside a container), or 0 */
    private static long hostMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }
}
