package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Reconcile precondition of the generated admin token: only while the spec names no Secret of its own. */
public class NoAdminTokenSecretCondition implements Condition<Secret, SseGateway> {

    @Override
    public boolean isMet(
            DependentResource<Secret, SseGateway> dependent, SseGateway gateway, Context<SseGateway> context) {
        return gateway.getSpec().getAdminTokenSecretRef() == null;
    }
}
