package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Allocation read off {@code jstat -gc}, the instrument beside CPU per call in {@code calls-ab}. */
class YoungAllocationTest {
    /** A gateway's line under load (Serial, -Xmn24m): 994 young collections of a 19,712 KB eden, 4,120 KB in use. */
    private static final String GATEWAY = """
             S0C         S1C         S0U         S1U          EC           EU           OC           OU          MC         MU       CCSC      CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT  \s
          2432.0      2432.0        85.1         0.0      19712.0       4120.0      49152.0       1927.4    38656.0    38061.4    4416.0    4164.0    994     1.010     1     0.029     -        -         1.039
        """;

    @Test
    void collectionsTimesEdenPlusWhatEdenHolds() throws IOException {
        assertThat(YoungAllocation.parse(GATEWAY)).isEqualTo((994L * 19_712 + 4_120) * 1024);
    }

    @Test
    void outputWithoutTheColumnsIsRefused() {
        assertThatThrownBy(() -> YoungAllocation.parse("12345 not found")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> YoungAllocation.parse("A B C\n1 2 3")).hasMessageContaining("EC, EU and YGC");
    }

    @Test
    void aLiveJvmsFigureGrowsByWhatItAllocates() throws Exception {
        long pid = ProcessHandle.current().pid();
        long before = YoungAllocation.of(pid);
        long kept = 0;
        // 64 KB arrays: small enough to be made in eden under any collector (not as humongous objects)
        for (int i = 0; i < 4096; i++) {
            byte[] garbage = new byte[64 << 10];
            garbage[i] = 1;
            kept += garbage[i];
        }
        long after = YoungAllocation.of(pid);
        assertThat(kept).isEqualTo(4096);
        // 256 MB allocated; an estimate under a collector that resizes eden (this JVM's), so a wide bound
        assertThat(after - before).isGreaterThan(64L << 20);
    }
}
