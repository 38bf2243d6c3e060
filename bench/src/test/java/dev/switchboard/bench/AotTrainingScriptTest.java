package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's AOT training ({@code gateway/aot-training.sh}, run by the Dockerfile) against the jars this build
 * made, as the image build runs it: no Docker engine runs here, so this is where the script's breakage shows.
 * It must end by itself with a cache written, and a gateway started on that cache must load its own classes from
 * it (the JVM's class-load log says where each class came from) and serve. Nothing about speed is asserted
 * (bench/notes.md has the figures).
 */
class AotTrainingScriptTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GATEWAY_JAR = ROOT.resolve("gateway/target/switchboard-gateway.jar");
    private static final Path ECHO_JAR = ROOT.resolve("examples/echo-function/target/echo-function.jar");
    private static final String JVM_OPTIONS = "@" + ROOT.resolve("gateway/jvm.options");

    @TempDir
    Path work;

    @Test
    void trainsACacheThatTheGatewayStartsOn() throws Exception {
        assumeTrue(Rig.onPath("curl").isPresent(), "the training is driven by curl");
        Path cache = work.resolve("switchboard.aot");
        int base = freeBase();
        ProcessBuilder training = new ProcessBuilder(
                        "sh",
                        ROOT.resolve("gateway/aot-training.sh").toString(),
                        GATEWAY_JAR.toString(),
                        ECHO_JAR.toString(),
                        cache.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("training.log").toFile())
                .directory(work.toFile());
        training.environment().put("JDK_JAVA_OPTIONS", JVM_OPTIONS);
        training.environment().put("TRAINING_PORT_BASE", String.valueOf(base));
        Process running = training.start();
        boolean ended = running.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
        }
        String log = Files.readString(work.resolve("training.log"));
        assertThat(ended).as("the training ended by itself: %s", log).isTrue();
        assertThat(running.exitValue()).as(log).isZero();
        assertThat(cache).as(log).isNotEmptyFile();

        // a JVM that cannot use a cache runs without it, silently: where the gateway's classes came from tells
        Path classes = work.resolve("class-load.log");
        int port = freeBase();
        ProcessBuilder gateway = new ProcessBuilder(
                        javaBin(),
                        "-XX:AOTCache=" + cache,
                        "-Xlog:class+load=info:file=" + classes,
                        "-jar",
                        GATEWAY_JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway.log").toFile())
                .directory(work.toFile());
        gateway.environment().put("JDK_JAVA_OPTIONS", JVM_OPTIONS);
        gateway.environment().put("HOST", "127.0.0.1");
        gateway.environment().put("PORT", String.valueOf(port));
        gateway.environment().put("ADMIN_PORT", String.valueOf(port + 10));
        gateway.environment().remove("REDIS_URL");
        Process started = gateway.start();
        try {
            assertThat(readyWithin(
                            started, "http://127.0.0.1:" + (port + 10) + "/health/ready", Duration.ofSeconds(60)))
                    .as("a gateway on the trained cache: %s", Files.readString(work.resolve("gateway.log")))
                    .isTrue();
            assertThat(Files.readString(classes))
                    .as("the gateway's classes come from the cache")
                    .contains("dev.switchboard.gateway.Gateway source: shared objects file")
                    .contains("dev.switchboard.gateway.stream.StreamListener source: shared objects file");
        } finally {
            started.destroy();
            started.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static boolean readyWithin(Process process, String url, Duration limit) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> answer = client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** @return a port p with p, p+1, p+2 and p+10 free on loopback now (the script's ports from its base) */
    private static int freeBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                base = probe.getLocalPort();
            }
            if (base + 10 < 65536 && List.of(0, 1, 2, 10).stream().allMatch(d -> free(base + d))) {
                return base;
            }
        }
        throw new IllegalStateException("no free block of ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
