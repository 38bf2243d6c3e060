package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK's tools run against a live JVM (this one), as the harness runs them against a gateway. {@code jcmd} is
 * run against the gateways of {@code BenchSmokeTest} (live heap); here {@code jstat}, which needs no attach.
 */
class JdkToolTest {
    private static final String SELF = String.valueOf(ProcessHandle.current().pid());

    @Test
    void aToolsOutputAndExitStatusAreBothKept() throws Exception {
        JdkTool.Output gc = JdkTool.run("jstat", "-gc", SELF);
        assertThat(gc.exit()).isZero();
        assertThat(gc.text()).contains("EC", "EU", "YGC");

        JdkTool.Output refused = JdkTool.run("jstat", "-no-such-option");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.text()).isNotBlank();
    }

    @Test
    @Timeout(30) // without the timeout the call would wait for ever: fail instead
    void aToolThatDoesNotEndInTimeIsKilledAndReported() {
        // jstat with an interval and no count samples until it is stopped
        assertThatThrownBy(() -> JdkTool.run(Duration.ofSeconds(2), "jstat", "-gc", SELF, "500"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not end within 2 s")
                .hasMessageContaining("YGC");
    }
}
