package dev.switchboard.operator.gateway;

import java.util.Map;

import dev.switchboard.operator.model.SseGateway;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Names and labels shared by every object the operator makes for one SseGateway. */
final class GatewayMetadata {
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String APP_NAME = "switchboard-gateway";
    static final String MANAGED_BY = "switchboard-operator";
    /**
     * The dependents' informers watch only objects with these labels, so the operator does not cache every
     * Deployment, Service and ConfigMap of the cluster.
     */
    static final String MANAGED_SELECTOR = NAME_LABEL + "=" + APP_NAME + "," + MANAGED_BY_LABEL + "=" + MANAGED_BY;

    private GatewayMetadata() {
    }

    /** Selects the gateway's pods; part of the Deployment's immutable selector, so it never changes. */
    static Map<String, String> selector(SseGateway gateway) {
        return Map.of(NAME_LABEL, APP_NAME, INSTANCE_LABEL, gateway.getMetadata().getName());
    }

    static Map<String, String> labels(SseGateway gateway) {
        return Map.of(NAME_LABEL, APP_NAME,
                      INSTANCE_LABEL, gateway.getMetadata().getName(),
                      MANAGED_BY_LABEL, MANAGED_BY);
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
