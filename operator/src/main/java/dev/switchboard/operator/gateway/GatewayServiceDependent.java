package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.ServiceSpec;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Service {@code <name>}: the public listener only; the admin listener stays reachable by pod IP alone. */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayServiceDependent extends CRUDKubernetesDependentResource<Service, SseGateway> {
    static final String DEFAULT_TYPE = "ClusterIP";
    static final int DEFAULT_PORT = 80;

    public GatewayServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(SseGateway gateway, Context<SseGateway> context) {
        return new ServiceBuilder()
                .withMetadata(GatewayMetadata.objectMeta(
                        gateway, gateway.getMetadata().getName()))
                .withNewSpec()
                .withType(type(gateway.getSpec().getService()))
                .withSelector(GatewayMetadata.selector(gateway))
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(port(gateway.getSpec().getService()))
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .addNewPort()
                .withName("streams")
                .withProtocol("TCP")
                .withPort(streamPort(gateway.getSpec().getService()))
                .withTargetPort(new IntOrString("streams"))
                .endPort()
                .endSpec()
                .build();
    }

    static int port(ServiceSpec service) {
        return service == null || service.getPort() == null ? DEFAULT_PORT : service.getPort();
    }

    static int streamPort(ServiceSpec service) {
        return service == null || service.getStreamPort() == null
                ? GatewayEnvironment.STREAM_PORT
                : service.getStreamPort();
    }

    static String type(ServiceSpec service) {
        if (service == null || service.getType() == null) {
            return DEFAULT_TYPE;
        }
        return switch (service.getType()) {
            case CLUSTER_IP -> "ClusterIP";
            case NODE_PORT -> "NodePort";
            case LOAD_BALANCER -> "LoadBalancer";
        };
    }
}
