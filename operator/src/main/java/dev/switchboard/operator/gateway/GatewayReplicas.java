package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import java.util.Optional;

/** How many replicas a gateway should have: its spec's, or, when unset, the Deployment's as scaled by others. */
final class GatewayReplicas {
    private GatewayReplicas() {}

    /**
     * @param gateway    the gateway
     * @param deployment its Deployment, once it exists
     * @return {@code spec.replicas}; unset, the Deployment's {@code spec.replicas} (an HPA's choice); else 1,
     *         the Deployment's default
     */
    static int desired(SseGateway gateway, Optional<Deployment> deployment) {
        Integer replicas = gateway.getSpec().getReplicas();
        if (replicas != null) {
            return replicas;
        }
        return deployment
                .map(Deployment::getSpec)
                .map(DeploymentSpec::getReplicas)
                .orElse(1);
    }
}
