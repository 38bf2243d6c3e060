package dev.switchboard.operator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.junit.jupiter.api.Test;

/** A gateway container always has a memory limit: the JVM sizes its heap from it, else from the node's memory. */
class GatewayResourcesTest {
    private static ResourceRequirements podResources(ResourceRequirements spec) {
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace("ns").withName("gw").build());
        SseGatewaySpec gatewaySpec = new SseGatewaySpec();
        gatewaySpec.setResources(spec);
        gateway.setSpec(gatewaySpec);
        return GatewayPodTemplate.of(gateway, "")
                .getSpec()
                .getContainers()
                .getFirst()
                .getResources();
    }

    @Test
    void aGatewayWithoutResourcesGetsTheDefaultMemoryLimit() {
        ResourceRequirements resources = podResources(null);

        assertThat(resources.getLimits()).containsExactlyEntriesOf(java.util.Map.of("memory", new Quantity("1Gi")));
        assertThat(resources.getRequests()).isNullOrEmpty();
    }

    @Test
    void aMemoryRequestWithoutALimitBecomesTheLimitAndTheCpuIsLeftAlone() {
        ResourceRequirements resources = podResources(new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("3Gi"))
                .addToRequests("cpu", new Quantity("500m"))
                .addToLimits("cpu", new Quantity("2"))
                .build());

        assertThat(resources.getLimits())
                .containsEntry("memory", new Quantity("3Gi"))
                .containsEntry("cpu", new Quantity("2"))
                .hasSize(2);
        assertThat(resources.getRequests())
                .containsEntry("memory", new Quantity("3Gi"))
                .containsEntry("cpu", new Quantity("500m"));
    }

    @Test
    void aMemoryLimitOfTheSpecIsKept() {
        ResourceRequirements spec = new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("256Mi"))
                .addToLimits("memory", new Quantity("768Mi"))
                .build();

        assertThat(podResources(spec)).isEqualTo(spec);
    }
}
