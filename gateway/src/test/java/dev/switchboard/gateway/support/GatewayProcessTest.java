package dev.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link GatewayProcess}: a replica that exits while starting ends the wait at once and says why. */
class GatewayProcessTest {
    @Test
    void aReplicaThatExitsWhileStartingFailsAtOnceWithItsExitCodeAndOutput() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("gateway-process-exits.log");
        long started = System.nanoTime();
        assertThatThrownBy(() -> GatewayProcess.start("exits", Map.of("LOG_FORMAT", "xml"), log))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway exits exited with code 2 before it was ready")
                .hasMessageContaining("configuration error: LOG_FORMAT: must be text or json, not 'xml'");
        // the start's bound is 90 s; a JVM that stops at its configuration does so in seconds, even on a busy machine
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }
}
