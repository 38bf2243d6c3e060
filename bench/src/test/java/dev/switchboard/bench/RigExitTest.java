package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A harness ended from outside (a kill, a CI time-out) leaves none of the servers it started running. */
class RigExitTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The harness: starts the echo function, says its pid, and waits to be ended. */
    public static final class Harness {
        public static void main(String[] args) throws Exception {
            Rig rig = new Rig(Path.of(args[0]), Files.createTempDirectory("switchboard-rig-exit"));
            System.out.println("pid " + rig.echo().proc().pid());
            Thread.sleep(Duration.ofMinutes(2));
        }
    }

    @Test
    void killingTheHarnessStopsTheServersItStarted() throws Exception {
        Process harness = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Harness.class.getName(),
                        ROOT.toString()))
                .redirectErrorStream(true)
                .start();
        long pid = -1;
        try {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(harness.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("pid ")) {
                    // the harness's log lines
                }
                assertThat(line).as("the harness started the echo function").isNotNull();
                pid = Long.parseLong(line.substring(4).trim());
                ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
                assertThat(server.isAlive()).isTrue();

                harness.destroy(); // SIGTERM, as kill and CI time-outs send
                assertThat(harness.waitFor(30, TimeUnit.SECONDS)).isTrue();
                server.onExit().get(20, TimeUnit.SECONDS);
                assertThat(server.isAlive())
                        .as("the echo function, once the harness is gone")
                        .isFalse();
            }
        } finally {
            harness.destroyForcibly();
            // a failed run must not leave the server behind either
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
