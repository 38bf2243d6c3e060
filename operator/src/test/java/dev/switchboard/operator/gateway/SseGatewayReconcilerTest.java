package dev.switchboard.operator.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.WatchedSecrets;
import dev.switchboard.operator.model.GatewayClientAuth;
import dev.switchboard.operator.model.GatewayLimits;
import dev.switchboard.operator.model.GatewayOAuth;
import dev.switchboard.operator.model.GatewayPodSettings;
import dev.switchboard.operator.model.RedisSpec;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.ServiceSpec;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import dev.switchboard.operator.model.SseGatewayStatus;
import dev.switchboard.operator.testing.Edits;
import dev.switchboard.operator.testing.TestApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real JOSDK operator, with only the SseGateway reconciler, against fabric8's mock API server in CRUD mode,
 * with JOSDK's production defaults: dependents and status by server-side apply. The mock does not implement it,
 * so {@link TestApiServer} adds the smallest faithful apply (create when missing, merge and write only changed
 * fields, no-op when nothing changed).
 */
class SseGatewayReconcilerTest {
    static final String NS = "gateways";
    static final Duration EVENTUALLY = Duration.ofSeconds(10);

    static KubernetesClient client;
    static Operator operator;
    static TestApiServer api;

    @BeforeAll
    static void startOperator() {
        api = TestApiServer.start();
        client = api.client();
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        // A short not-ready re-check, so that a Secret created later is noticed quickly.
        operator.register(new SseGatewayReconciler(Clock.systemUTC(), Duration.ofSeconds(1)));
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void createsOwnedDeploymentServiceAndConfigMapFromTheSpec() {
        secret("alpha-admin", "token", "s3cret");
        SseGateway gateway = create("alpha", spec -> {
            spec.setReplicas(1);
            spec.setImage("registry.example/gateway:1.2.3");
            spec.setHeartbeatInterval("20s");
            spec.setSessionTtl("30m");
            GatewayLimits limits = new GatewayLimits();
            limits.setMaxBodySize("2MiB");
            limits.setMaxConnections(5000);
            limits.setEventLogTtl("2h");
            spec.setLimits(limits);
            spec.setResources(new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("250m"))
                    .addToLimits("memory", new Quantity("512Mi"))
                    .build());
            ServiceSpec service = new ServiceSpec();
            service.setType(ServiceSpec.Type.NODE_PORT);
            service.setPort(8081);
            service.setStreamPort(8082);
            spec.setService(service);
            spec.setAdminTokenSecretRef(new SecretKeyRef("alpha-admin", "token"));
        });

        ConfigMap config = eventually(() ->
                client.configMaps().inNamespace(NS).withName("alpha-config").get());
        assertThat(config.getData())
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("PORT", "8080"),
                        Map.entry("ADMIN_PORT", "9090"),
                        Map.entry("ADMIN_HOST", "0.0.0.0"),
                        Map.entry("STREAM_PORT", "8081"),
                        Map.entry("GATEWAY_NAMESPACE", NS),
                        Map.entry("HEARTBEAT_INTERVAL", "20s"),
                        Map.entry("SESSION_TTL", "30m"),
                        Map.entry("MAX_BODY_SIZE", "2MiB"),
                        Map.entry("MAX_CONNECTIONS", "5000"),
                        Map.entry("EVENT_LOG_TTL", "2h"),
                        Map.entry("FUNCTION_ALLOWED_NETWORKS", GatewayEnvironment.DEFAULT_FUNCTION_NETWORKS)));

        Deployment deployment = eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("alpha").get());
        Map<String, String> labels = Map.of(
                "app.kubernetes.io/name", "switchboard-gateway",
                "switchboard.dev/gateway", "alpha",
                "app.kubernetes.io/managed-by", "switchboard-operator");
        assertThat(deployment.getMetadata().getLabels()).containsAllEntriesOf(labels);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "app.kubernetes.io/name", "switchboard-gateway",
                        "switchboard.dev/gateway", "alpha"));
        // not Argo CD's tracking label: the CR's name there would make these look like another application's
        for (Map<String, String> l : java.util.List.of(
                deployment.getMetadata().getLabels(),
                deployment.getSpec().getTemplate().getMetadata().getLabels())) {
            assertThat(l).doesNotContainKey("app.kubernetes.io/instance");
        }
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(labels);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "9090")
                .containsEntry("prometheus.io/path", "/metrics")
                .containsKey(GatewayPodTemplate.CONFIG_HASH_ANNOTATION);

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        Container container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("registry.example/gateway:1.2.3");
        assertThat(container.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:8080", "admin:9090", "streams:8081");
        assertThat(container.getEnvFrom().getFirst().getConfigMapRef().getName())
                .isEqualTo("alpha-config");
        assertThat(env(container, "REDIS_URL").getValue()).isEqualTo("redis://redis:6379");
        assertThat(env(container, "ADMIN_TOKEN")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("alpha-admin");
        assertThat(env(container, "ADMIN_TOKEN")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getKey())
                .isEqualTo("token");
        assertThat(env(container, "REPLICA_ID").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("admin"));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(container.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("admin"));
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("512Mi"));

        Service service = eventually(
                () -> client.services().inNamespace(NS).withName("alpha").get());
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts())
                .extracting(p -> p.getName() + ":" + p.getPort() + "->"
                        + p.getTargetPort().getStrVal())
                .containsExactly("http:8081->http", "streams:8082->streams");
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        for (HasMetadata owned : new HasMetadata[] {config, deployment, service}) {
            assertThat(owned.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(ref -> ownedBy(ref, gateway));
        }
        assertThat(pdb("alpha")).isNull();
    }

    @Test
    void redisUrlFromSecretAndOperatorDefaults() {
        secret("beta-redis", "url", "redis://:pw@redis:6379");
        create("beta", spec -> {
            spec.getRedis().setUrl(null);
            spec.getRedis().setSecretRef(new SecretKeyRef("beta-redis", "url"));
        });

        Deployment deployment = eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("beta").get());
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo(GatewayPodTemplate.image(new SseGatewaySpec()));
        assertThat(env(container, "REDIS_URL").getValue()).isNull();
        assertThat(env(container, "REDIS_URL").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("beta-redis");
        assertThat(env(container, "REDIS_URL").getValueFrom().getSecretKeyRef().getKey())
                .isEqualTo("url");
        // no adminTokenSecretRef: a generated token guards the admin listener the probes need beyond loopback
        assertThat(env(container, "ADMIN_TOKEN")
                        .getValueFrom()
                        .getSecretKeyRef()
                        .getName())
                .isEqualTo("beta-admin-token");
        Secret generated = eventually(() ->
                client.secrets().inNamespace(NS).withName("beta-admin-token").get());
        String token =
                generated.getStringData() != null && generated.getStringData().containsKey("token")
                        ? generated.getStringData().get("token")
                        : new String(java.util.Base64.getDecoder()
                                .decode(generated.getData().get("token")));
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        assertThat(generated.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("beta"));
        // reconciling again (a spec change, seen through the ConfigMap it changes) leaves the token untouched:
        // same object, no write at all
        Edits.edit(client.resources(SseGateway.class).inNamespace(NS).withName("beta"), g -> {
            g.getSpec().setHeartbeatInterval("7s");
            return g;
        });
        await().atMost(EVENTUALLY)
                .until(() -> "7s"
                        .equals(client.configMaps()
                                .inNamespace(NS)
                                .withName("beta-config")
                                .get()
                                .getData()
                                .get("HEARTBEAT_INTERVAL")));
        Secret later =
                client.secrets().inNamespace(NS).withName("beta-admin-token").get();
        assertThat(later.getMetadata().getUid())
                .isEqualTo(generated.getMetadata().getUid());
        assertThat(later.getMetadata().getResourceVersion())
                .isEqualTo(generated.getMetadata().getResourceVersion());
        assertThat(later.getData()).isEqualTo(generated.getData());

        Service service = eventually(
                () -> client.services().inNamespace(NS).withName("beta").get());
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(80);
        assertThat(eventually(() -> client.configMaps()
                                .inNamespace(NS)
                                .withName("beta-config")
                                .get())
                        .getData())
                .containsOnlyKeys(
                        "PORT",
                        "ADMIN_PORT",
                        "ADMIN_HOST",
                        "STREAM_PORT",
                        "FUNCTION_ALLOWED_NETWORKS",
                        "GATEWAY_NAMESPACE",
                        "HEARTBEAT_INTERVAL");
        // The Secret exists, so only the replicas hold readiness back.
        assertThat(eventuallyReady("beta", c -> c.getReason().equals("ReplicasNotReady"))
                        .getMessage())
                .isEqualTo("0 of 1 replicas ready");
    }

    @Test
    void withoutReplicasTheDeploymentsCountIsLeftToAnHpa() {
        create("iota", spec -> {});
        Deployment created = eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("iota").get());
        assertThat(created.getSpec().getReplicas()).isNull();

        // an HPA on the Deployment (or kubectl scale) sets the count; a later reconcile leaves it
        Edits.edit(client.apps().deployments().inNamespace(NS).withName("iota"), d -> {
            d.getSpec().setReplicas(4);
            return d;
        });
        edit("iota", spec -> spec.setHeartbeatInterval("9s"));
        await().atMost(EVENTUALLY)
                .until(() -> "9s"
                        .equals(client.configMaps()
                                .inNamespace(NS)
                                .withName("iota-config")
                                .get()
                                .getData()
                                .get("HEARTBEAT_INTERVAL")));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("iota")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(4);
        // the HPA's count is the one readiness and the PodDisruptionBudget go by
        eventually(() -> pdb("iota"));
        assertThat(eventuallyReady("iota", c -> c.getReason().equals("ReplicasNotReady"))
                        .getMessage())
                .isEqualTo("0 of 4 replicas ready");
        // the scale subresource's status: what an HPA on the SseGateway reads
        SseGatewayStatus status = client.resources(SseGateway.class)
                .inNamespace(NS)
                .withName("iota")
                .get()
                .getStatus();
        assertThat(status.getSelector())
                .isEqualTo("app.kubernetes.io/name="
                        + created.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name")
                        + ",switchboard.dev/gateway=iota");
        var scale = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("ssegateways.switchboard.dev")
                .get()
                .getSpec()
                .getVersions()
                .getFirst()
                .getSubresources()
                .getScale();
        assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
        assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
        assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");

        // spec.replicas set (kubectl scale sgw, an HPA on the SseGateway): the operator keeps the Deployment to it
        edit("iota", spec -> spec.setReplicas(2));
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("iota")
                                .get()
                                .getSpec()
                                .getReplicas())
                        .isEqualTo(2));
    }

    @Test
    void aRotatedReferencedSecretRollsThePodsAndNothingElseDoes() {
        secret("kappa-redis", "url", "redis://:one@redis:6379");
        secret("kappa-admin", "token", "first-token");
        secret("kappa-unrelated", "url", "redis://:x@elsewhere:6379");
        create("kappa", spec -> {
            spec.getRedis().setUrl(null);
            spec.getRedis().setSecretRef(new SecretKeyRef("kappa-redis", "url"));
            spec.setAdminTokenSecretRef(new SecretKeyRef("kappa-admin", "token"));
        });
        String first = await().atMost(EVENTUALLY).until(() -> secretsHash("kappa"), h -> h != null);
        // the operator labels what it references, so that its Secret informers (label-selected) see the changes
        for (String name : java.util.List.of("kappa-redis", "kappa-admin")) {
            await().atMost(EVENTUALLY)
                    .until(
                            () -> client.secrets()
                                    .inNamespace(NS)
                                    .withName(name)
                                    .get()
                                    .getMetadata()
                                    .getLabels(),
                            l -> l != null && "true".equals(l.get(WatchedSecrets.LABEL)));
        }
        assertThat(client.secrets()
                        .inNamespace(NS)
                        .withName("kappa-unrelated")
                        .get()
                        .getMetadata()
                        .getLabels())
                .isNullOrEmpty();

        // another key of a referenced Secret, and a Secret nobody references: the template stays
        editSecret("kappa-redis", "password", "not-read-by-the-gateway");
        editSecret("kappa-unrelated", "url", "redis://:y@elsewhere:6379");
        String configBefore = configHash(
                client.apps().deployments().inNamespace(NS).withName("kappa").get());
        edit("kappa", spec -> spec.setHeartbeatInterval("13s")); // a reconcile after both, seen through the template
        await().atMost(EVENTUALLY)
                .until(() -> !configBefore.equals(configHash(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("kappa")
                        .get())));
        assertThat(secretsHash("kappa")).isEqualTo(first);

        // a rotated Redis URL and a rotated admin token each change the template: the Deployment rolls the pods
        editSecret("kappa-redis", "url", "redis://:two@redis:6379");
        String second = await().atMost(EVENTUALLY).until(() -> secretsHash("kappa"), h -> !first.equals(h));
        editSecret("kappa-admin", "token", "second-token");
        await().atMost(EVENTUALLY).until(() -> secretsHash("kappa"), h -> !second.equals(h) && !first.equals(h));
    }

    static String secretsHash(String gateway) {
        Deployment deployment =
                client.apps().deployments().inNamespace(NS).withName(gateway).get();
        return deployment == null
                ? null
                : deployment
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(GatewaySecrets.HASH_ANNOTATION);
    }

    /** Changes one key of a Secret the way a rotation does, keeping its metadata (labels included). */
    static void editSecret(String name, String key, String value) {
        Edits.edit(client.secrets().inNamespace(NS).withName(name), secret -> {
            if (secret.getData() != null) {
                secret.getData().remove(key);
            }
            if (secret.getStringData() == null) {
                secret.setStringData(new java.util.HashMap<>());
            }
            secret.getStringData().put(key, value);
            return secret;
        });
    }

    @Test
    void aDeploymentMadeByAnEarlierVersionKeepsItsImmutableSelector() {
        create("lambda", spec -> {});
        eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("lambda").get());
        // Ready first: a not-ready gateway is re-reconciled every second, and one that read the Deployment from
        // the cache just before the edit below would merge the new selector key into the legacy one (the mock
        // does not refuse a selector change as an API server does)
        rolledOut("lambda", 1);
        stablyReady("lambda");
        // what earlier versions made: selected by app.kubernetes.io/instance, which a Deployment cannot change
        Map<String, String> legacy = Map.of(
                "app.kubernetes.io/name", "switchboard-gateway",
                "app.kubernetes.io/instance", "lambda");
        Edits.edit(client.apps().deployments().inNamespace(NS).withName("lambda"), d -> {
            d.getSpec().getSelector().setMatchLabels(legacy);
            d.getSpec().getTemplate().getMetadata().setLabels(new java.util.HashMap<>(legacy));
            return d;
        });
        edit("lambda", spec -> spec.setHeartbeatInterval("12s"));
        await().atMost(EVENTUALLY).untilAsserted(() -> {
            Deployment deployment = client.apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("lambda")
                    .get();
            assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(legacy);
            // its pods carry both: the selector's, and the one the Service and the PDB select by now
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(legacy)
                    .containsEntry("switchboard.dev/gateway", "lambda");
            assertThat(deployment.getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/instance");
        });
        assertThat(client.services()
                        .inNamespace(NS)
                        .withName("lambda")
                        .get()
                        .getSpec()
                        .getSelector())
                .containsEntry("switchboard.dev/gateway", "lambda")
                .doesNotContainKey("app.kubernetes.io/instance");
    }

    @Test
    void podDisruptionBudgetExistsOnlyWithSeveralReplicas() {
        SseGateway gateway = create("gamma", spec -> {});
        eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("gamma").get());
        assertThat(pdb("gamma")).isNull();

        edit("gamma", spec -> spec.setReplicas(3));
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("gamma")
                                .get()
                                .getSpec()
                                .getReplicas())
                        .isEqualTo(3));
        PodDisruptionBudget pdb = eventually(() -> pdb("gamma"));
        assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("switchboard.dev/gateway", "gamma");
        assertThat(pdb.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> ownedBy(ref, gateway));

        edit("gamma", spec -> spec.setReplicas(1));
        await().atMost(EVENTUALLY).until(() -> pdb("gamma") == null);
        // Dependents reconcile in parallel: the Deployment may follow the PDB's deletion a moment later.
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("gamma")
                                .get()
                                .getSpec()
                                .getReplicas())
                        .isEqualTo(1));
    }

    @Test
    void configChangeUpdatesTheConfigMapAndRollsThePods() {
        create("delta", spec -> spec.setHeartbeatInterval("15s"));
        Deployment before = eventually(() ->
                client.apps().deployments().inNamespace(NS).withName("delta").get());
        String hashBefore = configHash(before);

        edit("delta", spec -> spec.setHeartbeatInterval("5s"));
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(client.configMaps()
                                .inNamespace(NS)
                                .withName("delta-config")
                                .get()
                                .getData())
                        .containsEntry("HEARTBEAT_INTERVAL", "5s"));
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(configHash(client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("delta")
                                .get()))
                        .isNotEqualTo(hashBefore));

        // A removed setting leaves the ConfigMap too, rather than staying in force.
        edit("delta", spec -> spec.setHeartbeatInterval(null));
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(client.configMaps()
                                .inNamespace(NS)
                                .withName("delta-config")
                                .get()
                                .getData())
                        .doesNotContainKey("HEARTBEAT_INTERVAL"));
    }

    @Test
    void statusFollowsTheDeploymentsReadiness() {
        create("epsilon", spec -> spec.setReplicas(2));
        Condition notReady = eventuallyReady("epsilon", c -> c.getStatus().equals("False"));
        assertThat(notReady.getReason()).isEqualTo("ReplicasNotReady");
        assertThat(notReady.getMessage()).isEqualTo("0 of 2 replicas ready");
        SseGatewayStatus status = gateway("epsilon").getStatus();
        assertThat(status.getReadyReplicas()).isZero();
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getUrl()).isEqualTo("http://epsilon." + NS + ".svc:80");

        // What the Deployment controller would report once the pods pass their readiness probes.
        rolledOut("epsilon", 2);

        Condition ready = stablyReady("epsilon");
        assertThat(ready.getReason()).isEqualTo("AllReplicasReady");
        assertThat(ready.getMessage()).isEqualTo("2 of 2 replicas ready");
        assertThat(ready.getObservedGeneration()).isEqualTo(1L);
        assertThat(gateway("epsilon").getStatus().getReadyReplicas()).isEqualTo(2);

        // A spec change that leaves the Deployment alone: reconciled again, still ready since the same moment.
        edit("epsilon", spec -> {
            ServiceSpec service = new ServiceSpec();
            service.setPort(8000);
            spec.setService(service);
        });
        await().atMost(EVENTUALLY).untilAsserted(() -> {
            SseGatewayStatus after = gateway("epsilon").getStatus();
            assertThat(after.getObservedGeneration()).isEqualTo(2L);
            assertThat(after.getUrl()).isEqualTo("http://epsilon." + NS + ".svc:8000");
            Condition condition =
                    Conditions.find(after.getConditions(), Conditions.READY).orElseThrow();
            assertThat(condition.getStatus()).isEqualTo("True");
            assertThat(condition.getObservedGeneration()).isEqualTo(2L);
            assertThat(condition.getLastTransitionTime()).isEqualTo(ready.getLastTransitionTime());
        });
        // one Event per Ready transition, none for the reconciles in between
        assertThat(readyEvents("epsilon"))
                .containsExactly(
                        "Warning ReplicasNotReady: 0 of 2 replicas ready",
                        "Normal AllReplicasReady: 2 of 2 replicas ready");
        io.fabric8.kubernetes.api.model.events.v1.Event event =
                client.events().v1().events().inNamespace(NS).list().getItems().stream()
                        .filter(e -> "epsilon".equals(e.getRegarding().getName()))
                        .findFirst()
                        .orElseThrow();
        assertThat(event.getRegarding().getKind()).isEqualTo("SseGateway");
        assertThat(event.getRegarding().getUid())
                .isEqualTo(gateway("epsilon").getMetadata().getUid());
        assertThat(event.getReportingController()).isEqualTo(dev.switchboard.operator.ReadyEvents.CONTROLLER);
        assertThat(event.getEventTime().getTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

        // a config change rolls the pods: Ready goes False until the Deployment controller has seen the new
        // template and no replica of the old one is left, although enough pods are ready all along
        edit("epsilon", spec -> spec.setHeartbeatInterval("11s"));
        Condition rolling = eventuallyReady("epsilon", c -> c.getReason().equals("RolloutInProgress"));
        assertThat(rolling.getStatus()).isEqualTo("False");
        assertThat(rolling.getMessage()).startsWith("rollout in progress: the Deployment controller has not yet seen");
        deploymentStatus(
                "epsilon",
                d -> new DeploymentStatusBuilder()
                        .withObservedGeneration(d.getMetadata().getGeneration())
                        .withReplicas(3)
                        .withUpdatedReplicas(1)
                        .withReadyReplicas(3)
                        .withAvailableReplicas(3)
                        .build());
        await().atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(
                                Conditions.find(gateway("epsilon").getStatus().getConditions(), Conditions.READY)
                                        .orElseThrow()
                                        .getMessage())
                        .isEqualTo("rollout in progress: 1 of 2 replicas updated, 3 available, "
                                + "2 old replica(s) left"));
        rolledOut("epsilon", 2);
        eventuallyReady("epsilon", c -> c.getStatus().equals("True"));
    }

    /**
     * The Ready condition once True and unchanged over a second: a reconcile already running when the test
     * wrote the Deployment's status may still report from the Deployment as it was (JOSDK's cache of its own
     * apply), flipping Ready once more before it settles.
     */
    static Condition stablyReady(String name) {
        return await().atMost(EVENTUALLY.multipliedBy(2))
                .until(
                        () -> {
                            Condition first =
                                    eventuallyReady(name, c -> c.getStatus().equals("True"));
                            Thread.sleep(1000);
                            Condition again = Conditions.find(
                                            gateway(name).getStatus().getConditions(), Conditions.READY)
                                    .orElseThrow();
                            return again.getLastTransitionTime().equals(first.getLastTransitionTime()) ? again : null;
                        },
                        c -> c != null);
    }

    /** What the Deployment controller reports once every replica runs the latest template and is available. */
    static void rolledOut(String name, int replicas) {
        deploymentStatus(
                name,
                d -> new DeploymentStatusBuilder()
                        .withObservedGeneration(d.getMetadata().getGeneration())
                        .withReplicas(replicas)
                        .withUpdatedReplicas(replicas)
                        .withReadyReplicas(replicas)
                        .withAvailableReplicas(replicas)
                        .build());
    }

    /** Writes the Deployment's status as its controller would; read again on 409 (the operator wrote it). */
    static void deploymentStatus(
            String name,
            java.util.function.Function<Deployment, io.fabric8.kubernetes.api.model.apps.DeploymentStatus> status) {
        for (int attempt = 0; ; attempt++) {
            Deployment deployment =
                    client.apps().deployments().inNamespace(NS).withName(name).get();
            deployment.setStatus(status.apply(deployment));
            try {
                client.apps().deployments().inNamespace(NS).resource(deployment).updateStatus();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    @Test
    void missingSecretsAreReportedAndTheDeploymentStillCreated() {
        create("zeta", spec -> {
            spec.getRedis().setUrl(null);
            spec.getRedis().setSecretRef(new SecretKeyRef("zeta-redis", "url"));
            spec.setAdminTokenSecretRef(new SecretKeyRef("zeta-admin", "token"));
        });
        Condition missing = eventuallyReady("zeta", c -> c.getReason().equals("RedisSecretMissing"));
        assertThat(missing.getStatus()).isEqualTo("False");
        assertThat(missing.getMessage())
                .contains("Secret zeta-redis named by spec.redis.secretRef does not exist")
                .contains("Secret zeta-admin named by spec.adminTokenSecretRef does not exist");
        // Created anyway: its pods wait for the Secrets and start when they appear.
        assertThat(client.apps().deployments().inNamespace(NS).withName("zeta").get())
                .isNotNull();

        secret("zeta-redis", "url", "redis://redis:6379");
        secret("zeta-admin", "wrong-key", "x");
        Condition adminMissing = eventuallyReady("zeta", c -> c.getReason().equals("AdminTokenSecretMissing"));
        assertThat(adminMissing.getMessage())
                .isEqualTo("Secret zeta-admin named by spec.adminTokenSecretRef "
                        + "has no key token (0 of 1 replicas ready)");

        secret("zeta-admin", "token", "x");
        eventuallyReady("zeta", c -> c.getReason().equals("ReplicasNotReady"));
    }

    @Test
    void clientAuthIsPassedToThePodsAndItsGapsReported() {
        create("theta", spec -> {
            GatewayClientAuth auth = new GatewayClientAuth();
            auth.setMethods(java.util.List.of(GatewayClientAuth.Method.JWT, GatewayClientAuth.Method.API_KEY));
            spec.setClientAuth(auth);
        });
        Condition invalid = eventuallyReady("theta", c -> c.getReason().equals("InvalidClientAuth"));
        assertThat(invalid.getMessage())
                .contains("spec.clientAuth.oauth is unset")
                .contains("spec.clientAuth.apiKeysSecretRef is unset");

        secret("theta-keys", "entries", "ci:" + "0".repeat(64));
        GatewayOAuth oauth = new GatewayOAuth();
        oauth.setIssuer("https://idp.example.com");
        oauth.setJwksUrl("https://idp.example.com/jwks");
        oauth.setResource("https://mcp.example.com");
        edit("theta", spec -> {
            spec.getClientAuth().setOauth(oauth);
            spec.getClientAuth().setApiKeysSecretRef(new SecretKeyRef("theta-keys", "entries"));
        });
        eventuallyReady("theta", c -> c.getReason().equals("ReplicasNotReady"));
        var container = client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("theta")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        var keys = container.getEnv().stream()
                .filter(e -> e.getName().equals("API_KEYS"))
                .findFirst()
                .orElseThrow();
        assertThat(keys.getValue()).as("by reference only").isNull();
        assertThat(keys.getValueFrom().getSecretKeyRef().getName()).isEqualTo("theta-keys");
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("theta-config")
                        .get()
                        .getData())
                .containsEntry("CLIENT_AUTH", "jwt,api-key")
                .containsEntry("OAUTH_RESOURCE", "https://mcp.example.com")
                .doesNotContainKey("API_KEYS");
    }

    @Test
    void aFailedReconcileIsReportedAsReadyFalse() {
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(new ObjectMetaBuilder()
                .withName("eta")
                .withNamespace(NS)
                .withGeneration(4L)
                .build());
        gateway.setSpec(new SseGatewaySpec());
        SseGatewayStatus previous = new SseGatewayStatus();
        previous.setReadyReplicas(2);
        previous.setUrl("http://eta.gateways.svc:80");
        previous.setObservedGeneration(3L);
        gateway.setStatus(previous);

        ErrorStatusUpdateControl<SseGateway> control = new SseGatewayReconciler()
                .updateErrorStatus(gateway, contextWithoutRetries(), new IllegalStateException("API server said no"));

        SseGatewayStatus status = control.getResource().orElseThrow().getStatus();
        assertThat(status).isNotSameAs(previous);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getObservedGeneration()).isEqualTo(3L);
        Condition condition =
                Conditions.find(status.getConditions(), Conditions.READY).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo("ReconcileError");
        assertThat(condition.getMessage()).isEqualTo("API server said no");
        assertThat(control.isNoRetry()).isTrue();
        assertThat(control.getScheduleDelay()).contains(SseGatewayReconciler.ERROR_RECHECK.toMillis());
        assertThat(previous.getConditions())
                .as("the cached resource is not modified")
                .isEmpty();
    }

    @Test
    void podTemplateSchedulesAndExtendsTheGatewayPodsWithoutAServiceAccountToken() {
        create("sched", spec -> {
            GatewayPodSettings pod = new GatewayPodSettings();
            pod.setImagePullSecrets(
                    java.util.List.of(new io.fabric8.kubernetes.api.model.LocalObjectReference("regcred")));
            pod.setNodeSelector(Map.of("kubernetes.io/arch", "arm64"));
            pod.setTolerations(java.util.List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
                    .withKey("dedicated")
                    .withOperator("Equal")
                    .withValue("gateways")
                    .withEffect("NoSchedule")
                    .build()));
            pod.setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchExpression()
                    .withKey("zone")
                    .withOperator("In")
                    .withValues("a")
                    .endMatchExpression()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build());
            pod.setTopologySpreadConstraints(
                    java.util.List.of(new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder()
                            .withMaxSkew(1)
                            .withTopologyKey("topology.kubernetes.io/zone")
                            .withWhenUnsatisfiable("ScheduleAnyway")
                            .build()));
            pod.setServiceAccountName("gateway-sa");
            pod.setEnv(java.util.List.of(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=70", null)));
            pod.setVolumes(java.util.List.of(new io.fabric8.kubernetes.api.model.VolumeBuilder()
                    .withName("ca")
                    .withNewConfigMap()
                    .withName("corporate-ca")
                    .endConfigMap()
                    .build()));
            pod.setVolumeMounts(java.util.List.of(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                    .withName("ca")
                    .withMountPath("/etc/ca")
                    .withReadOnly(true)
                    .build()));
            spec.setPodTemplate(pod);
        });

        PodSpec pod = eventually(() -> client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("sched")
                        .get())
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("gateway-sa");
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("kubernetes.io/arch", "arm64"));
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms()
                        .getFirst()
                        .getMatchExpressions()
                        .getFirst()
                        .getValues())
                .containsExactly("a");
        assertThat(pod.getTopologySpreadConstraints())
                .singleElement()
                .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp", "ca");
        Container container = pod.getContainers().getFirst();
        assertThat(env(container, "JAVA_TOOL_OPTIONS").getValue()).isEqualTo("-XX:MaxRAMPercentage=70");
        assertThat(env(container, "ADMIN_TOKEN").getValueFrom()).isNotNull();
        assertThat(container.getVolumeMounts())
                .extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactly("tmp:/tmp", "ca:/etc/ca");

        // dropping a setting removes it from the pods (the field is owned by the operator's apply)
        edit("sched", spec -> spec.getPodTemplate().setNodeSelector(null));
        await().atMost(EVENTUALLY).until(() -> {
            Map<String, String> selector = client.apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("sched")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getNodeSelector();
            return selector == null || selector.isEmpty();
        });
    }

    // --- helpers

    static SseGateway create(String name, Consumer<SseGatewaySpec> customize) {
        SseGatewaySpec spec = new SseGatewaySpec();
        RedisSpec redis = new RedisSpec();
        redis.setUrl("redis://redis:6379");
        spec.setRedis(redis);
        customize.accept(spec);
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        gateway.setSpec(spec);
        return client.resource(gateway).create();
    }

    static void edit(String name, Consumer<SseGatewaySpec> change) {
        Edits.edit(client.resources(SseGateway.class).inNamespace(NS).withName(name), g -> {
            change.accept(g.getSpec());
            return g;
        });
    }

    static SseGateway gateway(String name) {
        return client.resources(SseGateway.class).inNamespace(NS).withName(name).get();
    }

    static void secret(String name, String key, String value) {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(NS)
                        .endMetadata()
                        .addToStringData(key, value)
                        .build())
                .createOr(r -> r.update());
    }

    static PodDisruptionBudget pdb(String name) {
        return client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    /** Waits for the gateway's Ready condition to satisfy the check, and returns it. */
    static Condition eventuallyReady(String name, java.util.function.Predicate<Condition> check) {
        return await().atMost(EVENTUALLY)
                .until(
                        () -> Optional.ofNullable(gateway(name).getStatus())
                                .flatMap(s -> Conditions.find(s.getConditions(), Conditions.READY))
                                .filter(check)
                                .orElse(null),
                        c -> c != null);
    }

    /** "type reason: note" of the Events regarding a gateway, oldest first. */
    static java.util.List<String> readyEvents(String name) {
        return client.events().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getRegarding().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getEventTime().getTime()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getNote())
                .toList();
    }

    static <T> T eventually(java.util.concurrent.Callable<T> read) {
        return await().atMost(EVENTUALLY).until(read, r -> r != null);
    }

    static EnvVar env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static String configHash(Deployment deployment) {
        return deployment
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(GatewayPodTemplate.CONFIG_HASH_ANNOTATION);
    }

    static void ownedBy(OwnerReference ref, SseGateway gateway) {
        assertThat(ref.getKind()).isEqualTo("SseGateway");
        assertThat(ref.getName()).isEqualTo(gateway.getMetadata().getName());
        assertThat(ref.getUid()).isEqualTo(gateway.getMetadata().getUid());
        assertThat(ref.getController()).isTrue();
    }

    /** A Context that answers "no retry information", as on a reconciler without retries, and the test client. */
    @SuppressWarnings("unchecked")
    static Context<SseGateway> contextWithoutRetries() {
        return (Context<SseGateway>) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getClient")) {
                        return client;
                    }
                    if (method.getName().equals("getRetryInfo")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
