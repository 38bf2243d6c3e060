package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.GatewayPodSettings;
import dev.switchboard.operator.model.RedisSpec;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import dev.switchboard.registry.settings.GatewaySettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The gateway's pod: one container, its probes, environment and a locked-down security context. */
final class GatewayPodTemplate {
    /** Environment variable of the operator naming the image used when a gateway's spec names none. */
    static final String IMAGE_ENV = "SWITCHBOARD_GATEWAY_IMAGE";

    static final String DEFAULT_IMAGE = "switchboard/gateway:0.1.0";
    /** Pod annotation holding {@link GatewayEnvironment#hash()}. */
    static final String CONFIG_HASH_ANNOTATION = "switchboard.dev/config-hash";

    static final String CONTAINER = "gateway";
    /** The image's user (see the Dockerfile): numeric, so that runAsNonRoot can verify it. */
    static final long USER_ID = 10001L;
    /** The gateway's SHUTDOWN_GRACE (5 s) plus room for streams to say goodbye and the load balancer to notice. */
    static final long TERMINATION_GRACE_SECONDS = 30L;

    private GatewayPodTemplate() {}

    /**
     * @param gateway     the resource
     * @param secretsHash {@link GatewaySecrets#hash}: a rotated Secret value changes the template, rolling the pods
     */
    static PodTemplateSpec of(SseGateway gateway, String secretsHash) {
        GatewayEnvironment environment = GatewayEnvironment.of(gateway);
        GatewayPodSettings settings = settings(gateway);
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(new java.util.HashMap<>(GatewayMetadata.labels(gateway)))
                .withAnnotations(Map.of(
                        "prometheus.io/scrape",
                        "true",
                        "prometheus.io/port",
                        Integer.toString(GatewayEnvironment.ADMIN_PORT),
                        "prometheus.io/path",
                        "/metrics",
                        CONFIG_HASH_ANNOTATION,
                        environment.hash(),
                        GatewaySecrets.HASH_ANNOTATION,
                        secretsHash))
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
                // The gateway never calls the API server: no token in the pod to steal.
                .withAutomountServiceAccountToken(false)
                .withServiceAccountName(settings.getServiceAccountName())
                .withImagePullSecrets(settings.getImagePullSecrets())
                .withNodeSelector(settings.getNodeSelector())
                .withTolerations(settings.getTolerations())
                .withAffinity(settings.getAffinity())
                .withTopologySpreadConstraints(settings.getTopologySpreadConstraints())
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER_ID)
                .withRunAsGroup(USER_ID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withContainers(container(gateway))
                // The root filesystem is read-only; the JVM still wants a writable /tmp.
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addAllToVolumes(orEmpty(settings.getVolumes()))
                .endSpec()
                .build();
    }

    private static Container container(SseGateway gateway) {
        SseGatewaySpec spec = gateway.getSpec();
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image(spec))
                .addNewPort()
                .withName("http")
                .withContainerPort(GatewayEnvironment.PUBLIC_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("admin")
                .withContainerPort(GatewayEnvironment.ADMIN_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("streams")
                .withContainerPort(GatewayEnvironment.STREAM_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewEnvFrom()
                .withNewConfigMapRef()
                .withName(GatewayMetadata.configMapName(gateway))
                .endConfigMapRef()
                .endEnvFrom()
                .withEnv(env(gateway))
                // Readiness follows the state store (503 while Redis is away); liveness only the process.
                .withReadinessProbe(probe("/health/ready", 5, 3))
                .withLivenessProbe(probe("/health/live", 10, 3))
                // Up to 60 s to start before liveness applies: the JVM and the first Redis connection.
                .withStartupProbe(probe("/health/live", 2, 30))
                .withResources(GatewayResources.of(spec.getResources()))
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName("tmp")
                .withMountPath("/tmp")
                .endVolumeMount()
                .addAllToVolumeMounts(orEmpty(settings(gateway).getVolumeMounts()))
                .build();
    }

    private static GatewayPodSettings settings(SseGateway gateway) {
        GatewayPodSettings settings = gateway.getSpec().getPodTemplate();
        return settings == null ? new GatewayPodSettings() : settings;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static String image(SseGatewaySpec spec) {
        if (spec.getImage() != null && !spec.getImage().isBlank()) {
            return spec.getImage();
        }
        String operatorDefault = System.getenv(IMAGE_ENV);
        return operatorDefault == null || operatorDefault.isBlank() ? DEFAULT_IMAGE : operatorDefault;
    }

    /** Secrets stay in Secrets: the pod reads them by reference, the operator never copies their values. */
    private static List<EnvVar> env(SseGateway gateway) {
        SseGatewaySpec spec = gateway.getSpec();
        List<EnvVar> env = new ArrayList<>();
        RedisSpec redis = spec.getRedis();
        if (redis != null && redis.getSecretRef() != null) {
            env.add(fromSecret(GatewaySettings.REDIS_URL.key(), redis.getSecretRef()));
        } else if (redis != null && redis.getUrl() != null) {
            env.add(new EnvVarBuilder()
                    .withName(GatewaySettings.REDIS_URL.key())
                    .withValue(redis.getUrl())
                    .build());
        }
        // the admin listener binds beyond loopback for the probes: it always gets a token
        env.add(fromSecret(
                GatewaySettings.ADMIN_TOKEN.key(),
                spec.getAdminTokenSecretRef() != null
                        ? spec.getAdminTokenSecretRef()
                        : new SecretKeyRef(
                                GatewayAdminTokenDependent.secretName(gateway), GatewayAdminTokenDependent.KEY)));
        if (spec.getClientAuth() != null && spec.getClientAuth().getApiKeysSecretRef() != null) {
            env.add(fromSecret(
                    GatewaySettings.API_KEYS.key(), spec.getClientAuth().getApiKeysSecretRef()));
        }
        // The pod name: stable in /admin/connections for the pod's life, and unique in the fleet.
        env.add(new EnvVarBuilder()
                .withName(GatewaySettings.REPLICA_ID.key())
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .build());
        List<EnvVar> own = orEmpty(settings(gateway).getEnv());
        // the shipped JVM settings (gateway/jvm.options), unless the gateway's own env names them
        if (own.stream().noneMatch(e -> GatewayJvm.ENV.equals(e.getName()))) {
            env.add(new EnvVarBuilder()
                    .withName(GatewayJvm.ENV)
                    .withValue(GatewayJvm.OPTIONS)
                    .build());
        }
        // after the operator's: the CRD's rule refuses the operator's names, so no entry is duplicated
        env.addAll(own);
        return env;
    }

    private static EnvVar fromSecret(String name, SecretKeyRef ref) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(ref.getName())
                .withKey(ref.getKey())
                .endSecretKeyRef()
                .endValueFrom()
                .build();
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString("admin"))
                .endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .withTimeoutSeconds(2)
                .build();
    }
}
