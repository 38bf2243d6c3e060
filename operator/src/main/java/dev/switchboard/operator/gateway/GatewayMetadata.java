package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;
import java.util.Optional;

/** Names and labels shared by every object the operator makes for one SseGateway. */
final class GatewayMetadata {
    static final String NAME_LABEL = "app.kubernetes.io/name";
    /**
     * Which gateway an object or pod belongs to. Not {@code app.kubernetes.io/instance}: Argo CD tracks its
     * applications by that label, and objects the operator makes carrying the CR's name there would look like
     * stray parts of another application (or be pruned with it).
     */
    static final String GATEWAY_LABEL = "switchboard.dev/gateway";
    /** The selector label of Deployments made by earlier versions; the selector of a Deployment cannot change. */
    static final String LEGACY_INSTANCE_LABEL = "app.kubernetes.io/instance";

    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String APP_NAME = "switchboard-gateway";
    static final String MANAGED_BY = "switchboard-operator";
    /**
     * The dependents' informers watch only objects with these labels, so the operator does not cache every
     * Deployment, Service and ConfigMap of the cluster.
     */
    static final String MANAGED_SELECTOR = NAME_LABEL + "=" + APP_NAME + "," + MANAGED_BY_LABEL + "=" + MANAGED_BY;

    private GatewayMetadata() {}

    /** Selects the gateway's pods; part of the Deployment's immutable selector, so it never changes. */
    static Map<String, String> selector(SseGateway gateway) {
        return Map.of(NAME_LABEL, APP_NAME, GATEWAY_LABEL, gateway.getMetadata().getName());
    }

    static Map<String, String> labels(SseGateway gateway) {
        return Map.of(
                NAME_LABEL, APP_NAME,
                GATEWAY_LABEL, gateway.getMetadata().getName(),
                MANAGED_BY_LABEL, MANAGED_BY);
    }

    /**
     * @param existing the selector of the gateway's Deployment, once it exists
     * @return the Deployment's selector: the existing one when an earlier version made it with
     *         {@link #LEGACY_INSTANCE_LABEL} (immutable, so kept until the Deployment is recreated), else ours
     */
    static Map<String, String> deploymentSelector(SseGateway gateway, Optional<Map<String, String>> existing) {
        return existing.filter(s -> s.containsKey(LEGACY_INSTANCE_LABEL)).orElseGet(() -> selector(gateway));
    }

    static String configMapName(SseGateway gateway) {
        return gateway.getMetadata().getName() + "-config";
    }

    /**
     * Metadata of an object owned by the gateway, in its namespace. JOSDK would add a plain owner reference;
     * this one also says the gateway is the object's controller, as Kubernetes' own controllers do
     * ({@code kubectl describe}: "Controlled By").
     */
    static ObjectMeta objectMeta(SseGateway gateway, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(gateway.getMetadata().getNamespace())
                .withLabels(labels(gateway))
                .withAnnotations(Map.of()) // a mutable map: JOSDK adds its own annotations to it
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(gateway.getApiVersion())
                        .withKind(gateway.getKind())
                        .withName(gateway.getMetadata().getName())
                        .withUid(gateway.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build();
    }
}
