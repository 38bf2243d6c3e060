package dev.switchboard.operator.function;

import dev.switchboard.operator.model.FunctionHeader;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.SseGateway;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a function points at: its gateway and the Secrets its headers read, and the Secret holding a gateway's
 * Redis URL. The event-source mappers and the reconciler use this one definition, so that the resources a
 * reconcile reads are exactly those whose changes trigger it.
 */
final class References {
    private References() {}

    /**
     * @param function a function
     * @return its gateway, if the spec names one
     */
    static Optional<ResourceID> gateway(ServerlessFunction function) {
        var spec = function.getSpec();
        if (spec == null || spec.getGatewayRef() == null || spec.getGatewayRef().getName() == null) {
            return Optional.empty();
        }
        return Optional.of(new ResourceID(
                spec.getGatewayRef().getName(), function.getMetadata().getNamespace()));
    }

    /**
     * @param function a function
     * @return the Secrets its headers read
     */
    static Set<ResourceID> headerSecrets(ServerlessFunction function) {
        Set<ResourceID> secrets = new LinkedHashSet<>();
        for (FunctionHeader header : headers(function)) {
            secretRef(header)
                    .ifPresent(ref -> secrets.add(
                            new ResourceID(ref.getName(), function.getMetadata().getNamespace())));
        }
        return secrets;
    }

    /**
     * @param gateway a gateway
     * @return the Secret holding its Redis URL, if it uses one
     */
    static Optional<ResourceID> redisSecret(SseGateway gateway) {
        var spec = gateway.getSpec();
        if (spec == null || spec.getRedis() == null || spec.getRedis().getSecretRef() == null) {
            return Optional.empty();
        }
        return Optional.of(new ResourceID(
                spec.getRedis().getSecretRef().getName(), gateway.getMetadata().getNamespace()));
    }

    /**
     * @param function a function
     * @return its headers, never null
     */
    static List<FunctionHeader> headers(ServerlessFunction function) {
        var spec = function.getSpec();
        return spec == null || spec.getHeaders() == null ? List.of() : spec.getHeaders();
    }

    /**
     * @param header a header
     * @return the Secret key it reads, if it is not literal
     */
    static Optional<SecretKeyRef> secretRef(FunctionHeader header) {
        return Optional.ofNullable(header.getValueFrom())
                .map(v -> v.getSecretKeyRef())
                .filter(ref -> ref.getName() != null);
    }

    /**
     * @param id a resource id
     * @return the key under which the primary cache indexes references to it
     */
    static String indexKey(ResourceID id) {
        return id.getNamespace().orElse("") + "/" + id.getName();
    }
}
