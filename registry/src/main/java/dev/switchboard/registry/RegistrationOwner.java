package dev.switchboard.registry;

import java.util.Objects;

/**
 * Who wrote a registration when it was not a person through the admin API: the operator's ServerlessFunction
 * resource. A registration with an owner is the operator's to update and to remove (its finalizer, a move to
 * another gateway, the sweep of resources that no longer exist); one without is never touched by the operator.
 *
 * @param uid     the resource's {@code metadata.uid}: a resource deleted and created again under the same name is
 *                another owner
 * @param gateway the SseGateway the resource names, whose replicas serve the registration
 */
public record RegistrationOwner(String uid, String gateway) {
    public RegistrationOwner {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(gateway, "gateway");
    }
}
