package dev.switchboard.bench;

import dev.switchboard.testing.fuzz.GatewayTargets;
import dev.switchboard.testing.fuzz.LogWatch;
import dev.switchboard.testing.fuzz.WireFuzzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code bench/run-all --fuzz}: the wire fuzz of the gateway's tests ({@code WireFuzzTest}) at a large size,
 * against the packaged gateway in its own process (all three listeners, the example functions behind it),
 * its log read for stack traces.
 */
final class WireFuzz {
    private WireFuzz() {}

    /**
     * @param root  the repository root
     * @param seed  the seed
     * @param cases requests at most
     * @param budget time at most
     * @return the report
     */
    static WireFuzzer.Report run(Path root, long seed, int cases, Duration budget)
            throws IOException, InterruptedException {
        try (Rig rig = new Rig(root, Files.createTempDirectory("switchboard-fuzz"))) {
            Rig.Server echo = rig.echo();
            Rig.Server mcp = rig.mcpFunction();
            Rig.Server gateway = rig.gateway("fuzz-gw", Map.of("MAX_BODY_SIZE", "64KiB"));
            Rig.registerExamples(gateway, echo, mcp);
            try (LogWatch log = LogWatch.file(rig.work().resolve("fuzz-gw.log"))) {
                return WireFuzzer.run(
                        GatewayTargets.of(gateway.port(), gateway.adminPort(), gateway.streamPort()),
                        new WireFuzzer.Settings(seed, cases, budget, Duration.ofSeconds(3), 64, 80 * 1024),
                        log);
            }
        }
    }
}
