package dev.switchboard.operator.gateway;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Optional;

/**
 * Whether a gateway's Deployment has finished rolling out its current template, by the same tests as
 * {@code kubectl rollout status}: the Deployment controller has seen the latest spec, every replica runs the
 * latest template, no replica of an older one is left, and all are available. Ready pods alone are not
 * enough: during a rolling update the old pods are ready too, serving the previous configuration.
 */
final class GatewayRollout {
    private GatewayRollout() {}

    static boolean complete(Deployment deployment, int desired) {
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return false;
        }
        Long generation = deployment.getMetadata().getGeneration();
        boolean observed = generation == null
                || (status.getObservedGeneration() != null && status.getObservedGeneration() >= generation);
        return observed
                && count(status.getUpdatedReplicas()) >= desired
                && count(status.getReplicas()) <= count(status.getUpdatedReplicas())
                && count(status.getAvailableReplicas()) >= desired;
    }

    /** @return what the rollout still waits for, for the condition's message */
    static String describe(Deployment deployment, int desired) {
        DeploymentStatus status = Optional.ofNullable(deployment.getStatus()).orElseGet(DeploymentStatus::new);
        Long generation = deployment.getMetadata().getGeneration();
        if (generation != null
                && (status.getObservedGeneration() == null || status.getObservedGeneration() < generation)) {
            return "rollout in progress: the Deployment controller has not yet seen generation " + generation;
        }
        return "rollout in progress: %d of %d replicas updated, %d available, %d old replica(s) left"
                .formatted(
                        count(status.getUpdatedReplicas()),
                        desired,
                        count(status.getAvailableReplicas()),
                        Math.max(0, count(status.getReplicas()) - count(status.getUpdatedReplicas())));
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
