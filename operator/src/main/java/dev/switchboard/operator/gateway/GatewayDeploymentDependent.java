package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * Deployment {@code <name>}: the gateway replicas. Any spec change changes the pod template (the config hash
 * included), and so does a new value in a Secret the pods read (the secrets hash); the Deployment rolls it
 * out; its status feeds the SseGateway's readiness.
 */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, SseGateway> {

    public GatewayDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(SseGateway gateway, Context<SseGateway> context) {
        Map<String, String> selector = GatewayMetadata.deploymentSelector(
                gateway,
                context.getSecondaryResource(Deployment.class)
                        .map(Deployment::getSpec)
                        .map(DeploymentSpec::getSelector)
                        .map(LabelSelector::getMatchLabels));
        PodTemplateSpec template = GatewayPodTemplate.of(gateway, GatewaySecrets.hash(gateway, context));
        // the pods must match the selector, also a legacy one
        selector.forEach(template.getMetadata().getLabels()::putIfAbsent);
        return new DeploymentBuilder()
                .withMetadata(GatewayMetadata.objectMeta(
                        gateway, gateway.getMetadata().getName()))
                .withNewSpec()
                .withReplicas(gateway.getSpec().getReplicas())
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
    }
}
