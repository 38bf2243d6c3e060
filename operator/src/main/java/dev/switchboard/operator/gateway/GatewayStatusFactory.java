package dev.switchboard.operator.gateway;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import dev.switchboard.operator.model.SseGatewayStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds a gateway's status afresh on each reconcile. The cached resource is never modified: its current
 * conditions are only read, so that {@code lastTransitionTime} survives while the Ready status stays the same.
 */
final class GatewayStatusFactory {
    static final String ALL_REPLICAS_READY = "AllReplicasReady";
    static final String REPLICAS_NOT_READY = "ReplicasNotReady";
    static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";
    static final String RECONCILE_ERROR = "ReconcileError";

    private final Clock clock;

    GatewayStatusFactory(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param gateway       the gateway as observed
     * @param deployment    the gateway's Deployment, once it exists
     * @param problems      referenced Secrets that are missing; they outrank the replica count as the reason
     * @return the new status
     */
    SseGatewayStatus observed(
            SseGateway gateway, Optional<Deployment> deployment, List<ReferencedSecrets.Problem> problems) {
        SseGatewaySpec spec = gateway.getSpec();
        int desired = GatewayReplicas.desired(gateway, deployment);
        int readyReplicas = deployment
                .map(Deployment::getStatus)
                .map(DeploymentStatus::getReadyReplicas)
                .orElse(0);
        Long generation = gateway.getMetadata().getGeneration();
        SseGatewayStatus status = new SseGatewayStatus();
        status.setReadyReplicas(readyReplicas);
        status.setReplicas(deployment
                .map(Deployment::getStatus)
                .map(DeploymentStatus::getReplicas)
                .orElse(0));
        status.setSelector(GatewayMetadata.selector(gateway).entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        status.setUrl("http://%s.%s.svc:%d"
                .formatted(
                        gateway.getMetadata().getName(),
                        gateway.getMetadata().getNamespace(),
                        GatewayServiceDependent.port(spec.getService())));
        status.setObservedGeneration(generation);
        String replicas = "%d of %d replicas ready".formatted(readyReplicas, desired);
        if (!problems.isEmpty()) {
            String message =
                    problems.stream().map(ReferencedSecrets.Problem::message).collect(Collectors.joining("; ")) + " ("
                            + replicas + ")";
            status.setConditions(ready(gateway, false, problems.getFirst().reason(), message));
        } else if (readyReplicas < desired) {
            status.setConditions(ready(gateway, false, REPLICAS_NOT_READY, replicas));
        } else if (!GatewayRollout.complete(deployment.orElseThrow(), desired)) {
            // enough ready pods, but some may still run the previous template: not yet what the spec says
            status.setConditions(ready(
                    gateway, false, ROLLOUT_IN_PROGRESS, GatewayRollout.describe(deployment.orElseThrow(), desired)));
        } else {
            status.setConditions(ready(gateway, true, ALL_REPLICAS_READY, replicas));
        }
        return status;
    }

    /** The previous figures with Ready False: an error says nothing about the replicas already running. */
    SseGatewayStatus failed(SseGateway gateway, Exception error) {
        SseGatewayStatus previous = gateway.getStatus() == null ? new SseGatewayStatus() : gateway.getStatus();
        SseGatewayStatus status = new SseGatewayStatus();
        status.setReadyReplicas(previous.getReadyReplicas());
        status.setReplicas(previous.getReplicas());
        status.setSelector(previous.getSelector());
        status.setUrl(previous.getUrl());
        status.setObservedGeneration(previous.getObservedGeneration());
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        status.setConditions(ready(gateway, false, RECONCILE_ERROR, message));
        return status;
    }

    private List<Condition> ready(SseGateway gateway, boolean ready, String reason, String message) {
        List<Condition> current =
                gateway.getStatus() == null ? null : gateway.getStatus().getConditions();
        return Conditions.set(
                current,
                Conditions.READY,
                ready,
                reason,
                message,
                gateway.getMetadata().getGeneration(),
                clock);
    }

    static boolean isReady(SseGatewayStatus status) {
        return Conditions.find(status.getConditions(), Conditions.READY)
                .map(c -> "True".equals(c.getStatus()))
                .orElse(false);
    }

    /** A new resource carrying only identity and status: what the status patch needs, nothing cached. */
    static SseGateway patchOf(SseGateway gateway, SseGatewayStatus status) {
        SseGateway patch = new SseGateway();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(gateway.getMetadata().getName())
                .withNamespace(gateway.getMetadata().getNamespace())
                .build());
        patch.setStatus(status);
        return patch;
    }
}
