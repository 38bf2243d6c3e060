package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The heap's bound said at start: a warning only when the JVM derived it from the whole host's memory. */
class HeapBoundTest {
    private static final long GB = 1L << 30;

    @Test
    void aBoundDerivedFromTheHostsMemoryIsAWarningThatSaysWhatToDo() {
        HeapBound bound = new HeapBound(18 * GB, 24 * GB, 24 * GB, false);

        assertThat(bound.fromHost()).isTrue();
        assertThat(bound.level()).isEqualTo(Level.WARNING);
        assertThat(bound.describe())
                .startsWith("heap bound 18.0 GB, 75% of this host's 24.0 GB: no container memory limit and no -Xmx.")
                .contains("set a memory limit or -Xmx");
    }

    @Test
    void aBoundFromAContainerLimitOrFromXmxIsInformation() {
        HeapBound limited = new HeapBound(768L << 20, GB, 24 * GB, false);
        assertThat(limited.level()).isEqualTo(Level.INFO);
        assertThat(limited.describe()).isEqualTo("heap bound 768 MB (75% of the container's memory limit, 1.0 GB)");

        HeapBound given = new HeapBound(256L << 20, 24 * GB, 24 * GB, true);
        assertThat(given.level()).isEqualTo(Level.INFO);
        assertThat(given.describe()).isEqualTo("heap bound 256 MB (-Xmx)");

        // not Linux: the host's memory is unknown, nothing to warn of
        assertThat(new HeapBound(6 * GB, 24 * GB, 0, false).level()).isEqualTo(Level.INFO);
    }

    @Test
    void thisJvmsBoundIsExplicitExactlyWhenItWasGiven() {
        boolean given = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize"));

        HeapBound bound = HeapBound.ofThisJvm();

        assertThat(bound.explicit()).isEqualTo(given);
        assertThat(bound.maxHeap()).isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(bound.visible()).isPositive();
    }
}
