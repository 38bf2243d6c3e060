package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * PodDisruptionBudget {@code <name>}: keeps one replica up through voluntary disruptions (node drains). Exists
 * only with more than one replica ({@link MultipleReplicasCondition}): with one, minAvailable 1 would block
 * every drain.
 */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayPdbDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, SseGateway> {

    public GatewayPdbDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(SseGateway gateway, Context<SseGateway> context) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(GatewayMetadata.objectMeta(
                        gateway, gateway.getMetadata().getName()))
                .withNewSpec()
                .withMinAvailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(GatewayMetadata.selector(gateway))
                .endSelector()
                .endSpec()
                .build();
    }
}
