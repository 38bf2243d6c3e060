package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No Docker engine runs in CI, so the image builds are checked where they break first: Maven reads every
 * module the parent pom lists, even for {@code -pl}, so a build stage that does not copy a module's pom
 * fails with "Child module ... does not exist" (it did once the bench module was added).
 */
class DockerfilesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Dockerfile",
                "operator/Dockerfile",
                "examples/echo-function/Dockerfile",
                "examples/mcp-function/Dockerfile"
            })
    void everyBuildStageCopiesEveryModulesPom(String dockerfile) throws IOException {
        String text = Files.readString(ROOT.resolve(dockerfile));
        for (String module : modules()) {
            assertThat(text)
                    .as("%s must copy %s/pom.xml: the reactor reads every module's pom", dockerfile, module)
                    .contains("COPY " + module + "/pom.xml " + module + "/");
        }
    }

    /** The operator's jar carries the gateway's JVM settings (GatewayJvm); without the file it would not start them. */
    @org.junit.jupiter.api.Test
    void theImagesCarryTheGatewaysJvmSettings() throws IOException {
        assertThat(Files.readString(ROOT.resolve("operator/Dockerfile")))
                .as("the operator's build needs gateway/jvm.options")
                .contains("COPY gateway/jvm.options gateway/");
        assertThat(Files.readString(ROOT.resolve("Dockerfile")))
                .contains("COPY gateway/jvm.options /app/jvm.options")
                .contains("JDK_JAVA_OPTIONS=\"@/app/jvm.options\"");
    }

    private static List<String> modules() throws IOException {
        Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = m.results().map(r -> r.group(1).strip()).toList();
        assertThat(modules).as("modules of the parent pom").isNotEmpty();
        return modules;
    }
}
