package dev.switchboard.operator.gateway;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway container's resources: the spec's, with a memory limit always. The JVM sizes its heap from the
 * container's memory limit (gateway/jvm.options: up to 75% of it), and without one from the node's memory; under a
 * steady stream of large requests its collector grows the heap towards that bound rather than collecting (on a
 * node of 24 GiB, 2.7 GB resident after ten seconds of 1 MB publishes, 139 MB of it live: docs/operations.md). A
 * gateway pod without a limit could so take a node's memory from its neighbours.
 */
final class GatewayResources {
    /** The memory limit when the spec names neither a limit nor a request: ample for the default limits. */
    static final Quantity DEFAULT_MEMORY = new Quantity("1Gi");

    private static final String MEMORY = "memory";

    private GatewayResources() {}

    /**
     * @param spec the gateway's {@code spec.resources}, or null
     * @return them, with {@code limits.memory} set to the memory request, or to {@link #DEFAULT_MEMORY} without
     *     one, where the spec sets no limit (Kubernetes then sets the request to the limit)
     */
    static ResourceRequirements of(ResourceRequirements spec) {
        ResourceRequirements resources = spec == null ? new ResourceRequirements() : spec;
        Map<String, Quantity> limits = resources.getLimits() == null ? Map.of() : resources.getLimits();
        if (limits.containsKey(MEMORY)) {
            return resources;
        }
        Map<String, Quantity> requests = resources.getRequests() == null ? Map.of() : resources.getRequests();
        Map<String, Quantity> withMemory = new HashMap<>(limits);
        withMemory.put(MEMORY, requests.getOrDefault(MEMORY, DEFAULT_MEMORY));
        return new ResourceRequirementsBuilder(resources).withLimits(withMemory).build();
    }
}
