package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.operator.testing.OperatorProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator as a process: {@link OperatorMain} in a JVM of its own (the one Kubernetes would run), against
 * fabric8's mock API server, a missing one, or one without the CRDs; and its probes in-process.
 */
class OperatorProcessTest {
    /** Start-up gives up after the client's retries; far below the chart's startupProbe budget. */
    private static final Duration START_FAILS = Duration.ofSeconds(90);

    private static final Duration STOPS = Duration.ofSeconds(15);

    private KubernetesMockServer server;
    private Process process;

    @AfterEach
    void cleanUp() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void withoutAnApiServerTheProcessExitsNonZeroSayingWhyInOneLine() throws Exception {
        Path stderr = Files.createTempFile("operator", ".err");
        // the client's retries (10 by default, backing off to about 20 s in all) are not what is tested here
        process = OperatorProcess.start(
                "http://127.0.0.1:" + freePort(),
                Map.of("OPERATOR_PORT", String.valueOf(freePort()), "KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT", "1"),
                stderr);

        assertThat(process.waitFor(START_FAILS.toSeconds(), TimeUnit.SECONDS))
                .as("exited")
                .isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        List<String> ours = ourLines(stderr);
        assertThat(ours).hasSize(1);
        assertThat(ours.getFirst()).startsWith("switchboard-operator: cannot start: the API server is unreachable: ");
    }

    @Test
    void withoutTheCrdsTheProcessExitsNonZeroSayingWhyInOneLine() throws Exception {
        KubernetesClient client = startApiServer(false);
        Path stderr = Files.createTempFile("operator", ".err");
        process = operator(client.getMasterUrl().toString(), freePort(), stderr);

        assertThat(process.waitFor(START_FAILS.toSeconds(), TimeUnit.SECONDS))
                .as("exited")
                .isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        List<String> ours = ourLines(stderr);
        assertThat(ours).hasSize(1);
        assertThat(ours.getFirst())
                .startsWith(
                        "switchboard-operator: cannot start: a resource type is missing: are " + "the CRDs installed")
                .contains("serverlessfunctions");
    }

    @Test
    void aStartedProcessIsLiveAndStopsOnSigtermWithinSeconds() throws Exception {
        KubernetesClient client = startApiServer(true);
        int port = freePort();
        Path stderr = Files.createTempFile("operator", ".err");
        process = operator(client.getMasterUrl().toString(), port, stderr);

        await().atMost(Duration.ofSeconds(60)).until(() -> status(port, "/healthz") == 200);
        assertThat(status(port, "/readyz")).isEqualTo(200);

        long start = System.nanoTime();
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(STOPS.toSeconds(), TimeUnit.SECONDS))
                .as("stopped")
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOPS);
    }

    @Test
    void livenessFollowsTheInformersAndAFailedStartReleasesEverything() throws Exception {
        KubernetesClient client = startApiServer(true);
        OperatorSettings settings = OperatorSettings.from(Map.of("OPERATOR_PORT", "0"));
        try (RunningOperator running = RunningOperator.start(
                settings, o -> o.withKubernetesClient(client).withCloseClientOnStop(false))) {
            assertThat(status(running.httpPort(), "/healthz")).isEqualTo(200);
            // the API server goes away: the informers stop watching, and liveness says so
            server.destroy();
            server = null;
            await().atMost(Duration.ofSeconds(60)).until(() -> status(running.httpPort(), "/healthz") == 503);
        }

        KubernetesClient withoutCrds = startApiServer(false);
        int port = freePort();
        OperatorSettings fixedPort = OperatorSettings.from(Map.of("OPERATOR_PORT", String.valueOf(port)));
        assertThatThrownBy(() -> RunningOperator.start(
                        fixedPort, o -> o.withKubernetesClient(withoutCrds).withCloseClientOnStop(false)))
                .isInstanceOf(RuntimeException.class);
        // the probe server is gone with the failed start: nothing keeps a JVM up that answers 200
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void theFailureLineNamesTheReasonAndTheFailedCall() {
        var refused = new IllegalStateException(
                "Error starting operator",
                new RuntimeException(
                        "Couldn't start informer",
                        new KubernetesClientException(
                                "Failure executing: GET at: "
                                        + "https://api/apis/switchboard.dev/v1alpha1/ssegateways. Message: Forbidden.",
                                403,
                                null)));

        assertThat(StartFailure.describe(refused))
                .isEqualTo("the API server refused the operator: does its "
                        + "ServiceAccount have the chart's RBAC?: Failure executing: GET at: "
                        + "https://api/apis/switchboard.dev/v1alpha1/ssegateways. Message: Forbidden. "
                        + "(KubernetesClientException)");
        assertThat(StartFailure.describe(new IllegalStateException("odd\nsecond line")))
                .isEqualTo("start-up failed: odd (IllegalStateException)");
    }

    /**
     * @param withCrds with the CRDs: the CRUD mock, which serves them; without: the mock with no expectations,
     *                 which answers every request 404, as an API server does for the resources of a missing CRD
     *                 (the CRUD mock would serve any resource, CRD or not)
     */
    private KubernetesClient startApiServer(boolean withCrds) throws IOException {
        server = withCrds
                ? new KubernetesMockServer(
                        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false)
                : new KubernetesMockServer(false);
        server.init();
        KubernetesClient client = server.createClient();
        if (withCrds) {
            for (File crd : Path.of("..", "crds").toFile().listFiles((dir, name) -> name.endsWith(".yml"))) {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(crd)
                        .create();
            }
        }
        return client;
    }

    private static Process operator(String apiServer, int port, Path stderr) throws IOException {
        return OperatorProcess.start(apiServer, Map.of("OPERATOR_PORT", String.valueOf(port)), stderr);
    }

    private static List<String> ourLines(Path stderr) throws IOException {
        return Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("switchboard-operator:"))
                .toList();
    }

    private static int status(int port, String path) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
