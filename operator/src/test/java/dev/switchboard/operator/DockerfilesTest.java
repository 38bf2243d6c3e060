package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No Docker engine runs in CI, so the image builds are checked where they break first: Maven reads every
 * module the parent pom lists, even for {@code -pl}, so a build stage that does not copy a module's pom
 * fails with "Child module ... does not exist" (it did once the bench module was added).
 */
class DockerfilesTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    /** @return every Dockerfile of the repository */
    static List<String> dockerfiles() {
        return List.of(
                "Dockerfile",
                "operator/Dockerfile",
                "examples/echo-function/Dockerfile",
                "examples/mcp-function/Dockerfile");
    }

    @ParameterizedTest
    @MethodSource("dockerfiles")
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

    /**
     * The gateway's image trains its AOT cache on its own runtime stage (a cache is only valid for the JDK build and
     * jars it was trained on) and starts with it from the entrypoint, which the operator's JVM options do not replace.
     */
    @org.junit.jupiter.api.Test
    void theGatewayImageTrainsItsAotCacheOnItsRuntimeAndStartsWithIt() throws IOException {
        assertThat(Files.readString(ROOT.resolve("Dockerfile")))
                .contains("FROM runtime AS aot-training")
                .contains("COPY gateway/aot-training.sh ")
                .contains("COPY --from=aot-training /app/switchboard.aot /app/switchboard.aot")
                .contains("ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/switchboard.aot\", \"-jar\"");
        assertThat(ROOT.resolve("gateway/aot-training.sh")).isRegularFile();
    }

    /** An image runs on the JDK its build stage compiled and tested with, not an older one. */
    @ParameterizedTest
    @MethodSource("dockerfiles")
    void buildAndRuntimeStagesUseOneJdk(String dockerfile) throws IOException {
        String text = Files.readString(ROOT.resolve(dockerfile));
        Matcher build =
                Pattern.compile("FROM maven:[^ ]*-eclipse-temurin-(\\d+)").matcher(text);
        Matcher runtime = Pattern.compile("FROM eclipse-temurin:(\\d+)-jre").matcher(text);
        assertThat(build.find()).as("%s build stage", dockerfile).isTrue();
        assertThat(runtime.find()).as("%s runtime stage", dockerfile).isTrue();
        assertThat(runtime.group(1)).as(dockerfile).isEqualTo(build.group(1));
    }

    private static List<String> modules() throws IOException {
        Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = m.results().map(r -> r.group(1).strip()).toList();
        assertThat(modules).as("modules of the parent pom").isNotEmpty();
        return modules;
    }
}
