package dev.switchboard.operator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.model.GatewayPodSettings;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway pods run with the JVM settings of gateway/jvm.options, the file the image and the bench read. */
class GatewayJvmTest {
    private static SseGateway gateway(List<EnvVar> env) {
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace("ns").withName("gw").build());
        SseGatewaySpec spec = new SseGatewaySpec();
        GatewayPodSettings pod = new GatewayPodSettings();
        pod.setEnv(env);
        spec.setPodTemplate(pod);
        gateway.setSpec(spec);
        return gateway;
    }

    private static List<EnvVar> named(SseGateway gateway, String name) {
        return GatewayPodTemplate.of(gateway, "").getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .toList();
    }

    @Test
    void podsCarryExactlyTheShippedOptions() throws Exception {
        // the file itself, from the repository: the operator's copy must not drift from it
        List<String> shipped = GatewayJvm.parse(Files.readString(Path.of("../gateway/jvm.options")));
        assertThat(shipped).isNotEmpty().allMatch(o -> o.startsWith("-"));

        List<EnvVar> env = named(gateway(List.of()), GatewayJvm.ENV);

        assertThat(env).singleElement().extracting(EnvVar::getValue).isEqualTo(String.join(" ", shipped));
    }

    @Test
    void thisJdkKnowsEveryShippedOption() throws Exception {
        // the file lets an older JDK skip options it lacks; the JDK it is written for (the image's, the tests') must
        // know them all, so that a misspelled option fails here rather than being skipped in every pod
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(
                        java.toString(),
                        "@" + Path.of("../gateway/jvm.options").toAbsolutePath(),
                        "-XX:-IgnoreUnrecognizedVMOptions",
                        "-version")
                .redirectErrorStream(true)
                .start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as(output).isZero();
    }

    @Test
    void aGatewaysOwnJvmOptionsReplaceTheShippedOnes() {
        EnvVar own =
                new EnvVarBuilder().withName(GatewayJvm.ENV).withValue("-Xmx2g").build();

        assertThat(named(gateway(List.of(own)), GatewayJvm.ENV)).containsExactly(own);
    }

    @Test
    void commentsAndBlankLinesAreNotOptions() {
        assertThat(GatewayJvm.parse("# a comment\n\n-XX:+UseSerialGC\n  -Xss512k  \n"))
                .containsExactly("-XX:+UseSerialGC", "-Xss512k");
    }
}
