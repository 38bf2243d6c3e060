package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Reconcile precondition of the PodDisruptionBudget: when it no longer holds, the workflow deletes the PDB. */
public class MultipleReplicasCondition implements Condition<PodDisruptionBudget, SseGateway> {

    @Override
    public boolean isMet(
            DependentResource<PodDisruptionBudget, SseGateway> dependent,
            SseGateway gateway,
            Context<SseGateway> context) {
        return GatewayReplicas.desired(
                        gateway, context.getSecondaryResource(io.fabric8.kubernetes.api.model.apps.Deployment.class))
                > 1;
    }
}
