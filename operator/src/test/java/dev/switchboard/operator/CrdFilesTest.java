package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.crdv2.generator.CRDGenerationInfo;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs in {@code crds/} are generated from the model classes. This test regenerates them and fails when
 * the checked-in files differ; run with {@code -Dcrds.update=true} to rewrite them.
 */
class CrdFilesTest {
    /** The checked-in CRDs, relative to the operator module. */
    static final Path CRDS = Path.of("..", "crds");

    @Test
    void checkedInCrdsMatchTheModel(@TempDir Path out) throws IOException {
        CRDGenerationInfo info = new CRDGenerator()
                .customResourceClasses(SseGateway.class, ServerlessFunction.class)
                .forCRDVersions("v1")
                .inOutputDir(out.toFile())
                .detailedGenerate();
        Map<String, Map<String, io.fabric8.crdv2.generator.CRDInfo>> crds = info.getCRDDetailsPerNameAndVersion();
        assertThat(crds).hasSize(2);
        boolean update = Boolean.getBoolean("crds.update");
        try (var files = Files.list(out)) {
            for (Path generated : files.toList()) {
                Path checkedIn = CRDS.resolve(generated.getFileName());
                String expected = Files.readString(generated);
                if (update) {
                    Files.createDirectories(CRDS);
                    Files.writeString(checkedIn, expected);
                }
                assertThat(checkedIn)
                        .as(
                                "%s is stale: run ./mvnw -pl operator test -Dtest=CrdFilesTest -Dcrds.update=true",
                                checkedIn)
                        .exists();
                assertThat(Files.readString(checkedIn))
                        .as(
                                "%s is stale: run ./mvnw -pl operator test " + "-Dtest=CrdFilesTest -Dcrds.update=true",
                                checkedIn)
                        .isEqualTo(expected);
            }
        }
    }
}
