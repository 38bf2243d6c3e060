package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.switchboard.operator.chart.Manifests.Doc;
import dev.switchboard.operator.model.ServiceSpec;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Helm chart in {@code charts/switchboard}, rendered by the real Helm library (helm-java bundles it as a
 * native library) and parsed into fabric8 objects and Switchboard's model classes.
 */
class HelmChartTest {
    static final String RELEASE = "switchboard";
    static final String NAMESPACE = "switchboard-system";
    static final String OPERATOR = "switchboard-operator";
    static final String APP_VERSION = "0.1.0";
    static final String SCHEMA_ERROR = "values don't meet the specifications of the schema";

    /**
     * The operator's permissions wherever it watches, one "apiGroup resource verb" per line. Adding a permission
     * means changing this list on purpose.
     */
    static final Set<String> OPERATOR_PERMISSIONS = permissions(
            "switchboard.dev",
            "serverlessfunctions",
            "get list watch patch",
            "switchboard.dev",
            "ssegateways",
            "get list watch",
            "switchboard.dev",
            "serverlessfunctions/status",
            "get patch update",
            "switchboard.dev",
            "ssegateways/status",
            "get patch update",
            "switchboard.dev",
            "serverlessfunctions/finalizers",
            "update",
            "switchboard.dev",
            "ssegateways/finalizers",
            "update",
            "apps",
            "deployments",
            "create delete get list patch update watch",
            "",
            "services",
            "create delete get list patch update watch",
            "",
            "configmaps",
            "create delete get list patch update watch",
            "policy",
            "poddisruptionbudgets",
            "create delete get list patch update watch",
            "",
            "secrets",
            "create delete get list patch watch",
            "events.k8s.io",
            "events",
            "create",
            "",
            "events",
            "create");

    /** Leader election: create any Lease (create cannot be limited by name), read and renew only its own. */
    static final Set<String> LEASE_PERMISSIONS = Set.of(
            "coordination.k8s.io leases create",
            "coordination.k8s.io leases/switchboard-operator get",
            "coordination.k8s.io leases/switchboard-operator patch",
            "coordination.k8s.io leases/switchboard-operator update");

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------- lint

    @Test
    void lintPassesStrictly() {
        LintResult result = new Helm(Manifests.CHART).lint().strict().call();

        assertThat(result.isFailed())
                .as("helm lint --strict: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void chartMetadata() throws IOException {
        Map<String, Object> chart =
                new YAMLMapper().readValue(Manifests.CHART.resolve("Chart.yaml").toFile(), new TypeReference<>() {});

        assertThat(chart)
                .contains(
                        entry("apiVersion", "v2"), entry("name", "switchboard"),
                        entry("version", "0.1.0"), entry("appVersion", APP_VERSION));
    }

    // ---------------------------------------------------------------------------------------------- defaults

    @Test
    void defaultsRenderTheOperatorWithClusterWideRbac() {
        List<Doc> docs = render(t -> t);

        assertThat(docs)
                .extracting(Doc::kind)
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment");
        assertThat(docs)
                .filteredOn(d -> !d.kind().startsWith("Cluster"))
                .allSatisfy(d -> assertThat(d.namespace()).as(d.kind()).isEqualTo(NAMESPACE));

        ServiceAccount account = Manifests.one(docs, ServiceAccount.class);
        assertThat(account.getMetadata().getName()).isEqualTo(OPERATOR);

        Deployment deployment = Manifests.one(docs, Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo(OPERATOR);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsAllEntriesOf(Map.of(
                        "app.kubernetes.io/name", "switchboard",
                        "app.kubernetes.io/instance", RELEASE,
                        "app.kubernetes.io/component", "operator"));
        var pod = deployment.getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(pod.getMetadata().getAnnotations())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "prometheus.io/scrape",
                        "true",
                        "prometheus.io/port",
                        "8080",
                        "prometheus.io/path",
                        "/metrics"));
        assertThat(pod.getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSpec().getSecurityContext().getRunAsGroup()).isEqualTo(10001L);
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");

        assertThat(pod.getSpec().getContainers()).hasSize(1);
        Container operator = pod.getSpec().getContainers().getFirst();
        assertThat(operator.getImage()).isEqualTo("switchboard/operator:" + APP_VERSION);
        assertThat(operator.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getStartupProbe().getPeriodSeconds()
                        * operator.getStartupProbe().getFailureThreshold())
                .as("start-up budget above JOSDK's two-minute cache sync timeout")
                .isGreaterThan(120);
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertThat(env(operator))
                .containsEntry("WATCH_NAMESPACES", "")
                .containsEntry("SWITCHBOARD_GATEWAY_IMAGE", "switchboard/gateway:" + APP_VERSION);
        EnvVar podNamespace = operator.getEnv().stream()
                .filter(e -> e.getName().equals("POD_NAMESPACE"))
                .findFirst()
                .orElseThrow();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(operator.getResources().getLimits()).containsKey("memory");

        var security = operator.getSecurityContext();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(operator.getVolumeMounts())
                .singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getSpec().getVolumes())
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        ClusterRole clusterRole = Manifests.one(docs, ClusterRole.class);
        assertThat(clusterRole.getMetadata().getName()).isEqualTo(OPERATOR);
        assertThat(permissions(clusterRole.getRules())).isEqualTo(OPERATOR_PERMISSIONS);
        assertNoWildcards(clusterRole.getRules());
        assertThat(permissions(clusterRole.getRules()))
                .filteredOn(p -> p.startsWith(" secrets "))
                .as("Secrets are read, and written only for a gateway's generated admin token: never updated")
                .containsExactlyInAnyOrder(
                        " secrets create",
                        " secrets delete",
                        " secrets get",
                        " secrets list",
                        " secrets patch",
                        " secrets watch");

        ClusterRoleBinding clusterBinding = Manifests.one(docs, ClusterRoleBinding.class);
        assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(clusterBinding.getRoleRef().getName())
                .isEqualTo(clusterRole.getMetadata().getName());
        assertBindsTheOperator(clusterBinding.getSubjects());

        assertLeaderElectionRole(docs);
    }

    @Test
    void releaseNameAndOverridesShapeTheNames() {
        List<Doc> docs = render(t -> t.withName("prod"));
        assertThat(Manifests.one(docs, Deployment.class).getMetadata().getName())
                .isEqualTo("prod-switchboard-operator");

        docs = render(t -> t.set("fullnameOverride", "sb").set("image.tag", "1.2.3"));
        Deployment deployment = Manifests.one(docs, Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo("sb-operator");
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("switchboard/operator:1.2.3");
    }

    @Test
    void moreReplicasDigestAndDefaultGatewayImage() {
        String digest = "sha256:" + "a".repeat(64);
        Deployment deployment = Manifests.one(
                render(t -> t.set("replicaCount", "2")
                        .set("image.repository", "registry.example.com/switchboard/operator")
                        .set("image.digest", digest)
                        .set("defaultGatewayImage", "registry.example.com/switchboard/gateway:9.9.9")),
                Deployment.class);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        Container operator =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(operator.getImage()).isEqualTo("registry.example.com/switchboard/operator@" + digest);
        assertThat(env(operator))
                .containsEntry("SWITCHBOARD_GATEWAY_IMAGE", "registry.example.com/switchboard/gateway:9.9.9");
    }

    // ---------------------------------------------------------------------------------------------- watchNamespaces

    @Test
    void watchNamespacesGetRolesInEachNamespaceAndNoClusterRole() {
        List<Doc> docs = render(t -> t.withValuesFile(values("watchNamespaces: [a, b]\n")));

        assertThat(Manifests.all(docs, ClusterRole.class)).isEmpty();
        assertThat(Manifests.all(docs, ClusterRoleBinding.class)).isEmpty();

        for (String namespace : List.of("a", "b")) {
            Role role = Manifests.all(docs, Role.class).stream()
                    .filter(r -> r.getMetadata().getNamespace().equals(namespace))
                    .collect(onlyOne());
            assertThat(role.getMetadata().getName()).isEqualTo(OPERATOR);
            assertThat(permissions(role.getRules())).isEqualTo(OPERATOR_PERMISSIONS);
            assertNoWildcards(role.getRules());

            RoleBinding binding = Manifests.all(docs, RoleBinding.class).stream()
                    .filter(b -> b.getMetadata().getNamespace().equals(namespace))
                    .collect(onlyOne());
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
            assertBindsTheOperator(binding.getSubjects());
        }
        // Nothing else: the two watched namespaces and the Lease's Role in the release namespace.
        assertThat(Manifests.all(docs, Role.class))
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("a", "b", NAMESPACE);
        assertLeaderElectionRole(docs);

        Container operator = Manifests.one(docs, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(env(operator)).containsEntry("WATCH_NAMESPACES", "a,b");
    }

    @Test
    void rbacAndServiceAccountCanBeLeftToTheUser() {
        List<Doc> docs = render(t -> t.set("rbac.create", "false")
                .set("serviceAccount.create", "false")
                .set("serviceAccount.name", "existing"));

        assertThat(docs).extracting(Doc::kind).containsExactly("Deployment");
        assertThat(Manifests.one(docs, Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .isEqualTo("existing");

        assertThatThrownBy(() -> render(t -> t.set("serviceAccount.create", "false")))
                .hasMessageContaining("serviceAccount.name is required");
    }

    // ---------------------------------------------------------------------------------------------- gateway

    @Test
    void gatewayIsOffByDefault() {
        List<Doc> docs = render(t -> t);
        assertThat(Manifests.all(docs, SseGateway.class)).isEmpty();
        assertThat(Manifests.all(docs, Secret.class)).isEmpty();
    }

    @Test
    void gatewayWithARedisUrl() {
        List<Doc> docs = render(t -> t.withValuesFile(values("""
                gateway:
                  enabled: true
                  name: edge
                  replicas: 3
                  image: registry.example.com/switchboard/gateway:0.1.0
                  redis:
                    url: redis://redis.data:6379/0
                  service:
                    type: LoadBalancer
                    port: 8080
                  heartbeatInterval: 10s
                  sessionTtl: 30m
                  adminToken:
                    existingSecret: gateway-admin
                    key: token
                  limits:
                    maxConnections: 50000
                    eventLogTtl: 2h
                    maxJsonDepth: 32
                  clientAuth:
                    methods: [jwt]
                    oauth:
                      issuer: https://idp.example.com
                      jwksUrl: https://idp.example.com/jwks
                      resource: https://mcp.example.com
                      requiredScopes: [mcp:tools]
                    maxStreamsPerIdentity: 8
                  resources:
                    requests: {cpu: 250m, memory: 512Mi}
                    limits: {memory: 1Gi}
                  podTemplate:
                    serviceAccountName: gateway
                    nodeSelector: {kubernetes.io/arch: arm64}
                    env: [{name: JAVA_TOOL_OPTIONS, value: "-XX:MaxRAMPercentage=70"}]
                """)));

        SseGateway gateway = Manifests.one(docs, SseGateway.class);
        assertThat(gateway.getMetadata().getName()).isEqualTo("edge");
        assertThat(gateway.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        var spec = gateway.getSpec();
        assertThat(spec.getReplicas()).isEqualTo(3);
        assertThat(spec.getImage()).isEqualTo("registry.example.com/switchboard/gateway:0.1.0");
        assertThat(spec.getRedis().getUrl()).isEqualTo("redis://redis.data:6379/0");
        assertThat(spec.getRedis().getSecretRef()).isNull();
        assertThat(spec.getService().getType()).isEqualTo(ServiceSpec.Type.LOAD_BALANCER);
        assertThat(spec.getService().getPort()).isEqualTo(8080);
        assertThat(spec.getService().getStreamPort()).as("the chart's default").isEqualTo(8081);
        assertThat(spec.getHeartbeatInterval()).isEqualTo("10s");
        assertThat(spec.getSessionTtl()).isEqualTo("30m");
        assertThat(spec.getAdminTokenSecretRef().getName()).isEqualTo("gateway-admin");
        assertThat(spec.getAdminTokenSecretRef().getKey()).isEqualTo("token");
        assertThat(spec.getLimits().getMaxConnections()).isEqualTo(50000);
        assertThat(spec.getLimits().getEventLogTtl()).isEqualTo("2h");
        assertThat(spec.getLimits().getMaxJsonDepth()).isEqualTo(32);
        assertThat(spec.getClientAuth().getOauth().getResource()).isEqualTo("https://mcp.example.com");
        assertThat(spec.getClientAuth().getOauth().getRequiredScopes()).containsExactly("mcp:tools");
        assertThat(spec.getClientAuth().getMaxStreamsPerIdentity()).isEqualTo(8);
        assertThat(spec.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(spec.getPodTemplate().getServiceAccountName()).isEqualTo("gateway");
        assertThat(spec.getPodTemplate().getNodeSelector()).containsEntry("kubernetes.io/arch", "arm64");
        assertThat(spec.getPodTemplate().getEnv()).extracting(e -> e.getName()).containsExactly("JAVA_TOOL_OPTIONS");
        assertValidAgainstCrd(docs, gateway);
        assertThat(Manifests.all(docs, Secret.class)).isEmpty();
    }

    @Test
    void gatewayDefaultsAreMinimalAndValid() {
        List<Doc> docs = render(t -> t.set("gateway.enabled", "true").set("gateway.redis.url", "redis://redis:6379"));

        SseGateway gateway = Manifests.one(docs, SseGateway.class);
        assertThat(gateway.getMetadata().getName()).isEqualTo("switchboard-gateway");
        JsonAssert.fieldNames(Manifests.raw(docs, gateway).raw().path("spec"))
                .containsExactlyInAnyOrder("replicas", "redis", "service");
        assertThat(gateway.getSpec().getService().getType()).isEqualTo(ServiceSpec.Type.CLUSTER_IP);
        assertThat(gateway.getSpec().getService().getPort()).isEqualTo(80);
        assertThat(gateway.getSpec().getImage()).isNull();
        assertThat(gateway.getSpec().getAdminTokenSecretRef()).isNull();
        assertValidAgainstCrd(docs, gateway);
    }

    @Test
    void gatewayReplicasNullLeavesTheCountToAnHpa() {
        List<Doc> docs = render(t -> t.set("gateway.enabled", "true")
                .set("gateway.redis.url", "redis://redis:6379")
                .set("gateway.replicas", "null"));

        SseGateway gateway = Manifests.one(docs, SseGateway.class);
        JsonAssert.fieldNames(Manifests.raw(docs, gateway).raw().path("spec"))
                .containsExactlyInAnyOrder("redis", "service");
        assertValidAgainstCrd(docs, gateway);
        // zero is a count, not "unset"
        SseGateway none = Manifests.one(
                render(t -> t.set("gateway.enabled", "true")
                        .set("gateway.redis.url", "redis://redis:6379")
                        .set("gateway.replicas", "0")),
                SseGateway.class);
        assertThat(none.getSpec().getReplicas()).isZero();
    }

    @Test
    void createdRedisSecretIsWhatTheGatewayReferences() {
        List<Doc> docs = render(t -> t.set("redis.createSecret", "true")
                .set("redis.url", "redis://:s3cret@redis.data:6379/0")
                .set("gateway.enabled", "true"));

        Secret secret = Manifests.one(docs, Secret.class);
        assertThat(secret.getMetadata().getName()).isEqualTo("switchboard-redis");
        assertThat(secret.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(secret.getStringData()).containsExactly(entry("url", "redis://:s3cret@redis.data:6379/0"));

        SseGateway gateway = Manifests.one(docs, SseGateway.class);
        assertThat(gateway.getSpec().getRedis().getUrl()).isNull();
        assertThat(gateway.getSpec().getRedis().getSecretRef().getName()).isEqualTo("switchboard-redis");
        assertThat(gateway.getSpec().getRedis().getSecretRef().getKey()).isEqualTo("url");
        assertValidAgainstCrd(docs, gateway);
    }

    @Test
    void redisSecretAloneNeedsNoGateway() {
        List<Doc> docs = render(t -> t.set("redis.createSecret", "true")
                .set("redis.url", "rediss://cache:6380")
                .set("redis.secretName", "shared-redis")
                .set("redis.secretKey", "redis-url"));

        Secret secret = Manifests.one(docs, Secret.class);
        assertThat(secret.getMetadata().getName()).isEqualTo("shared-redis");
        assertThat(secret.getStringData()).containsExactly(entry("redis-url", "rediss://cache:6380"));
        assertThat(Manifests.all(docs, SseGateway.class)).isEmpty();
    }

    @Test
    void gatewayWithAnExistingRedisSecret() {
        List<Doc> docs = render(t -> t.set("gateway.enabled", "true")
                .set("gateway.redis.existingSecret", "my-redis")
                .set("gateway.redis.key", "uri"));

        SseGateway gateway = Manifests.one(docs, SseGateway.class);
        assertThat(gateway.getSpec().getRedis().getSecretRef().getName()).isEqualTo("my-redis");
        assertThat(gateway.getSpec().getRedis().getSecretRef().getKey()).isEqualTo("uri");
        assertThat(Manifests.all(docs, Secret.class)).isEmpty();
        assertValidAgainstCrd(docs, gateway);
    }

    @Test
    void gatewayInAWatchedNamespaceList() {
        List<Doc> docs = render(t -> t.withValuesFile(values("""
                watchNamespaces: [apps, %s]
                gateway: {enabled: true, redis: {url: "redis://redis:6379"}}
                """.formatted(NAMESPACE))));
        assertThat(Manifests.one(docs, SseGateway.class).getMetadata().getNamespace())
                .isEqualTo(NAMESPACE);
    }

    // ---------------------------------------------------------------------------------------------- invalid values

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            replicaCount                | two
            replicaCount                | -1
            image.pullPolicy            | Sometimes
            image.digest                | latest
            gateway.service.type        | Weird
            gateway.service.port        | 0
            gateway.service.port        | 70000
            gateway.replicas            | 101
            gateway.replicas            | many
            gateway.enabled             | yes please
            gateway.redis.url           | http://redis:6379
            gateway.heartbeatInterval   | soon
            gateway.name                | Not_A_Label
            gateway.limits.maxBodySize  | huge
            gateway.limits.bogus        | 1
            redis.createSecret          | true
            redis.secretKey             | bad key
            watchNamespaces[0]          | Bad_Namespace
            rbac.create                 | maybe
            replicas                    | 2
            gatway.enabled              | true
            """)
    void invalidValuesAreRejectedBySchema(String key, String value) {
        assertThatThrownBy(() -> render(t -> t.set(key, value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SCHEMA_ERROR);
    }

    @Test
    void schemaNamesTheOffendingValue() {
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", "two")))
                .hasMessageContaining("replicaCount")
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> render(t -> t.set("gateway.service.type", "Weird")))
                .hasMessageContaining("gateway.service.type")
                .hasMessageContaining("ClusterIP");
    }

    @Test
    void contradictionsAcrossValuesFailWithAClearMessage() {
        assertThatThrownBy(() -> render(t -> t.set("gateway.enabled", "true")))
                .hasMessageContaining("gateway.enabled needs a Redis connection");
        assertThatThrownBy(() -> render(
                        t -> t.set("gateway.redis.url", "redis://r:6379").set("gateway.redis.existingSecret", "r")))
                .hasMessageContaining("only one of gateway.redis.url and gateway.redis.existingSecret");
        Path outside = values("""
                watchNamespaces: [apps]
                gateway: {enabled: true, redis: {url: "redis://redis:6379"}}
                """);
        assertThatThrownBy(() -> render(t -> t.withValuesFile(outside))).hasMessageContaining("does not include");
    }

    // ---------------------------------------------------------------------------------------------- CRDs

    @Test
    void chartCrdsAreExactCopiesOfTheGeneratedOnes() throws IOException {
        Path chartCrds = Manifests.CHART.resolve("crds");
        List<String> generated = fileNames(Manifests.CRDS);
        assertThat(generated).isNotEmpty();
        assertThat(fileNames(chartCrds))
                .as("charts/switchboard/crds/ must hold exactly the files of crds/; "
                        + "fix with: cp crds/*.yml charts/switchboard/crds/")
                .isEqualTo(generated);
        for (String name : generated) {
            assertThat(Files.readString(chartCrds.resolve(name)))
                    .as(
                            "charts/switchboard/crds/%s differs from crds/%s; fix with: cp crds/*.yml "
                                    + "charts/switchboard/crds/",
                            name, name)
                    .isEqualTo(Files.readString(Manifests.CRDS.resolve(name)));
        }
    }

    // ---------------------------------------------------------------------------------------------- docs

    /** The values table of docs/kubernetes.md documents every value of values.yaml, and nothing else. */
    @Test
    void docsValuesTableMatchesValuesYaml() throws IOException {
        JsonNode values =
                new YAMLMapper().readTree(Manifests.CHART.resolve("values.yaml").toFile());
        List<String> leaves = new ArrayList<>();
        collectLeaves(values, "", leaves);

        String docs = Files.readString(Manifests.ROOT.resolve("docs/kubernetes.md"));
        String table = docs.substring(docs.indexOf("## Chart values"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z.]+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }

        assertThat(leaves)
                .allSatisfy(leaf -> assertThat(documented)
                        .as("docs/kubernetes.md documents %s", leaf)
                        .anyMatch(key -> leaf.equals(key) || leaf.startsWith(key + ".")));
        assertThat(documented)
                .allSatisfy(key -> assertThat(leaves)
                        .as("values.yaml has %s", key)
                        .anyMatch(leaf -> leaf.equals(key) || leaf.startsWith(key + ".")));
    }

    static void collectLeaves(JsonNode node, String path, List<String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties()
                    .forEach(e ->
                            collectLeaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else {
            out.add(path);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    List<Doc> render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command =
                new Helm(Manifests.CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        String yaml = values.apply(command).call();
        return Manifests.parse(yaml);
    }

    Path values(String yaml) {
        try {
            Path file = Files.createTempFile(tmp, "values", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> env(Container container) {
        return container.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** "group resource verb" (resource as "resource/name" when the rule names resources), one per grant. */
    static Set<String> permissions(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            List<String> names =
                    rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                            ? List.of("")
                            : rule.getResourceNames();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String name : names) {
                        for (String verb : rule.getVerbs()) {
                            out.add(group + " " + resource + (name.isEmpty() ? "" : "/" + name) + " " + verb);
                        }
                    }
                }
            }
        }
        return out;
    }

    static Set<String> permissions(String... groupResourceVerbs) {
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < groupResourceVerbs.length; i += 3) {
            for (String verb : groupResourceVerbs[i + 2].split(" ")) {
                out.add(groupResourceVerbs[i] + " " + groupResourceVerbs[i + 1] + " " + verb);
            }
        }
        return out;
    }

    static void assertNoWildcards(List<PolicyRule> rules) {
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
    }

    static void assertBindsTheOperator(List<Subject> subjects) {
        assertThat(subjects).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(OPERATOR);
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });
    }

    static void assertLeaderElectionRole(List<Doc> docs) {
        Role lease = Manifests.all(docs, Role.class).stream()
                .filter(r -> r.getMetadata().getNamespace().equals(NAMESPACE))
                .collect(onlyOne());
        assertThat(lease.getMetadata().getName()).isEqualTo(OPERATOR + "-leader-election");
        assertThat(permissions(lease.getRules())).isEqualTo(LEASE_PERMISSIONS);
        RoleBinding binding = Manifests.all(docs, RoleBinding.class).stream()
                .filter(b -> b.getMetadata().getNamespace().equals(NAMESPACE))
                .collect(onlyOne());
        assertThat(binding.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
        assertBindsTheOperator(binding.getSubjects());
        // Leases appear nowhere else.
        Stream.concat(
                        Manifests.all(docs, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                        Manifests.all(docs, Role.class).stream()
                                .filter(r -> r != lease)
                                .flatMap(r -> r.getRules().stream()))
                .forEach(rule -> assertThat(rule.getResources()).doesNotContain("leases"));
    }

    static void assertValidAgainstCrd(List<Doc> docs, HasMetadata resource) {
        assertThat(new CrdSchemaValidator(Manifests.CRDS)
                        .validate(Manifests.raw(docs, resource).raw()))
                .as(
                        "%s %s against its CRD",
                        resource.getKind(), resource.getMetadata().getName())
                .isEmpty();
    }

    static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.getFirst();
        });
    }

    static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .collect(Collectors.toCollection(ArrayList::new));
        }
    }

    /** Small helpers on raw JSON trees. */
    static final class JsonAssert {
        private JsonAssert() {}

        static org.assertj.core.api.ListAssert<String> fieldNames(JsonNode node) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            return assertThat(names);
        }
    }
}
