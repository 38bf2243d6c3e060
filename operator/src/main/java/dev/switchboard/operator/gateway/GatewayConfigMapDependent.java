package dev.switchboard.operator.gateway;

import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;

/** ConfigMap {@code <name>-config}: the gateway's environment, read by the pods through {@code envFrom}. */
@KubernetesDependent(informer = @Informer(labelSelector = GatewayMetadata.MANAGED_SELECTOR))
public class GatewayConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, SseGateway> {

    public GatewayConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(SseGateway gateway, Context<SseGateway> context) {
        return new ConfigMapBuilder()
                .withMetadata(GatewayMetadata.objectMeta(gateway, GatewayMetadata.configMapName(gateway)))
                .withData(GatewayEnvironment.of(gateway).variables())
                .build();
    }

    /**
     * Exact comparison of the data. ConfigMaps are updated without server-side apply, and the generic
     * matcher would accept an actual map holding more keys than desired: a limit removed from the spec would
     * stay in force.
     */
    @Override
    public Result<ConfigMap> match(
            ConfigMap actual, ConfigMap desired, SseGateway gateway, Context<SseGateway> context) {
        Result<ConfigMap> generic = super.match(actual, desired, gateway, context);
        return Result.computed(generic.matched() && Objects.equals(actual.getData(), desired.getData()), desired);
    }
}
