package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Secret {@code <name>-admin-token}: a random admin token for a gateway whose spec names none. The pods'
 * admin listener must be reachable by the kubelet's probes, so it binds beyond loopback, and a gateway
 * refuses that without a token. Created once and never updated (the token stays stable across
 * reconciles); owned by the gateway, and deleted when the spec starts naming a Secret of its own.
 */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayAdminTokenDependent extends KubernetesDependentResource<Secret, SseGateway>
        implements Creator<Secret, SseGateway>, GarbageCollected<SseGateway> {
    /** The key of the token in the Secret. */
    public static final String KEY = "token";

    private static final SecureRandom RANDOM = new SecureRandom();

    public GatewayAdminTokenDependent() {
        super(Secret.class);
    }

    /**
     * @param gateway a gateway
     * @return the name of the Secret generated for it
     */
    public static String secretName(SseGateway gateway) {
        return gateway.getMetadata().getName() + "-admin-token";
    }

    @Override
    protected Secret desired(SseGateway gateway, Context<SseGateway> context) {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return new SecretBuilder()
                .withMetadata(GatewayMetadata.objectMeta(gateway, secretName(gateway)))
                .withType("Opaque")
                .withStringData(
                        Map.of(KEY, Base64.getUrlEncoder().withoutPadding().encodeToString(token)))
                .build();
    }
}
