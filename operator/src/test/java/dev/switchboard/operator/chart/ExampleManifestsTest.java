package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.chart.Manifests.Doc;
import dev.switchboard.operator.model.FunctionHeader;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code examples/k8s/} parse into fabric8 objects and Switchboard's model classes without
 * unknown fields, the custom resources satisfy their CRDs' schemas, and the files agree with one another
 * (names, ports, Secret keys), so that {@code kubectl apply -f examples/k8s/} keeps working.
 */
class ExampleManifestsTest {
    static final List<String> FILES = List.of("redis.yaml", "gateway.yaml", "echo-function.yaml", "function.yaml");

    final CrdSchemaValidator crds = new CrdSchemaValidator(Manifests.CRDS);

    @Test
    void theExpectedFilesAreThere() throws IOException {
        try (Stream<Path> files = Files.list(Manifests.EXAMPLES)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")))
                    .containsExactlyInAnyOrderElementsOf(FILES);
        }
    }

    @Test
    void everyDocumentParsesAndCustomResourcesMatchTheirCrds() {
        for (String file : FILES) {
            List<Doc> docs = Manifests.parseFile(Manifests.EXAMPLES.resolve(file));
            assertThat(docs).as(file).isNotEmpty();
            for (Doc doc : docs) {
                assertThat(doc.namespace())
                        .as("%s: %s has no namespace, so `kubectl apply -n` chooses it", file, doc.name())
                        .isNull();
                if (doc.object() instanceof SseGateway || doc.object() instanceof ServerlessFunction) {
                    assertThat(crds.validate(doc.raw()))
                            .as("%s: %s %s", file, doc.kind(), doc.name())
                            .isEmpty();
                }
            }
        }
    }

    @Test
    void redis() {
        List<Doc> docs = Manifests.parseFile(Manifests.EXAMPLES.resolve("redis.yaml"));
        assertThat(docs).extracting(Doc::kind).containsExactly("Deployment", "Service");

        Deployment deployment = Manifests.one(docs, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        Service service = Manifests.one(docs, Service.class);
        assertThat(service.getMetadata().getName()).isEqualTo("redis");
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(6379));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    @Test
    void gatewayUsesTheExampleRedis() {
        SseGateway gateway =
                Manifests.one(Manifests.parseFile(Manifests.EXAMPLES.resolve("gateway.yaml")), SseGateway.class);
        assertThat(gateway.getMetadata().getName()).isEqualTo("demo");
        assertThat(gateway.getSpec().getRedis().getUrl()).isEqualTo("redis://redis:6379");
        assertThat(gateway.getSpec().getRedis().getSecretRef()).isNull();
        assertThat(gateway.getSpec().getService().getPort()).isEqualTo(80);

        Service redis = Manifests.one(Manifests.parseFile(Manifests.EXAMPLES.resolve("redis.yaml")), Service.class);
        URI url = URI.create(gateway.getSpec().getRedis().getUrl());
        assertThat(url.getHost()).isEqualTo(redis.getMetadata().getName());
        assertThat(url.getPort())
                .isEqualTo(redis.getSpec().getPorts().getFirst().getPort());
    }

    @Test
    void echoFunctionDeploymentAndService() {
        List<Doc> docs = Manifests.parseFile(Manifests.EXAMPLES.resolve("echo-function.yaml"));
        assertThat(docs).extracting(Doc::kind).containsExactly("Deployment", "Service");

        Deployment deployment = Manifests.one(docs, Deployment.class);
        Container echo =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(echo.getImage()).isEqualTo("switchboard/echo-function:0.1.0");
        assertThat(HelmChartTest.env(echo)).containsEntry("PORT", "8081").containsEntry("HOST", "0.0.0.0");
        assertThat(echo.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8081));
        assertThat(echo.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");

        Service service = Manifests.one(docs, Service.class);
        assertThat(service.getMetadata().getName()).isEqualTo("echo-function");
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(8081));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    @Test
    void functionPointsAtTheEchoServiceAndItsSecret() {
        List<Doc> docs = Manifests.parseFile(Manifests.EXAMPLES.resolve("function.yaml"));
        assertThat(docs).extracting(Doc::kind).containsExactly("Secret", "ServerlessFunction");

        ServerlessFunction function = Manifests.one(docs, ServerlessFunction.class);
        assertThat(function.getMetadata().getName()).isEqualTo("echo");
        ServerlessFunctionSpec spec = function.getSpec();
        assertThat(spec.getEndpoint()).isEqualTo("http://echo-function:8081/");
        assertThat(spec.getKind()).isEqualTo(ServerlessFunctionSpec.Kind.HTTP);

        SseGateway gateway =
                Manifests.one(Manifests.parseFile(Manifests.EXAMPLES.resolve("gateway.yaml")), SseGateway.class);
        assertThat(spec.getGatewayRef().getName())
                .isEqualTo(gateway.getMetadata().getName());

        Service echo =
                Manifests.one(Manifests.parseFile(Manifests.EXAMPLES.resolve("echo-function.yaml")), Service.class);
        URI endpoint = URI.create(spec.getEndpoint());
        assertThat(endpoint.getHost()).isEqualTo(echo.getMetadata().getName());
        assertThat(endpoint.getPort())
                .isEqualTo(echo.getSpec().getPorts().getFirst().getPort());

        Secret secret = Manifests.one(docs, Secret.class);
        FunctionHeader fromSecret = spec.getHeaders().stream()
                .filter(h -> h.getValueFrom() != null)
                .findFirst()
                .orElseThrow();
        var ref = fromSecret.getValueFrom().getSecretKeyRef();
        assertThat(ref.getName()).isEqualTo(secret.getMetadata().getName());
        assertThat(secret.getStringData()).containsKey(ref.getKey());
    }

    /** The examples name no namespace, and every kind is one `kubectl apply` can create. */
    @Test
    void allKindsAreKnown() {
        List<String> kinds = FILES.stream()
                .flatMap(f -> Manifests.parseFile(Manifests.EXAMPLES.resolve(f)).stream())
                .map(Doc::object)
                .map(HasMetadata::getKind)
                .distinct()
                .toList();
        assertThat(kinds)
                .containsExactlyInAnyOrder("Deployment", "Service", "SseGateway", "Secret", "ServerlessFunction");
    }
}
