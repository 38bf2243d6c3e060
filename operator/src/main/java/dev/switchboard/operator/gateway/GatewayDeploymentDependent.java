package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Deployment {@code <name>}: the gateway replicas. Any spec change changes the pod template (the config hash
 * included), which the Deployment rolls out; its status feeds the SseGateway's readiness.
 */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, SseGateway> {

    public GatewayDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(SseGateway gateway, Context<SseGateway> context) {
        return new DeploymentBuilder()
                .withMetadata(GatewayMetadata.objectMeta(gateway, gateway.getMetadata().getName()))
                .withNewSpec()
                    .withReplicas(gateway.getSpec().getReplicas())
                    .withNewSelector().withMatchLabels(GatewayMetadata.selector(gateway)).endSelector()
                    .withTemplate(GatewayPodTemplate.of(gateway))
                .endSpec()
                .build();
    }
}
