package dev.switchboard.operator.function;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/**
 * Builds a function's status from scratch (the cached resource is never modified) and the object that
 * carries it to the status subresource.
 */
final class FunctionStatuses {
    private FunctionStatuses() {}

    /**
     * @param function the resource as reconciled
     * @param revision the stored registration's revision
     * @param gateway  the gateway's name, for the message
     * @param clock    time source for transitions
     * @return status: Registered and Ready true
     */
    static ServerlessFunctionStatus registered(
            ServerlessFunction function, long revision, String gateway, Clock clock) {
        String message = "registered with gateway " + gateway + " at revision " + revision;
        ServerlessFunctionStatus status = base(function);
        status.setConditions(conditions(function, true, Reasons.REGISTERED, message, clock));
        status.setRegisteredRevision(revision);
        return status;
    }

    /**
     * The last registered revision stays: the gateway keeps serving that registration until one is written.
     *
     * @param function the resource as reconciled
     * @param reason   one of {@link Reasons}
     * @param message  what is wrong, without secret values
     * @param clock    time source for transitions
     * @return status: Registered and Ready false
     */
    static ServerlessFunctionStatus notReady(ServerlessFunction function, String reason, String message, Clock clock) {
        ServerlessFunctionStatus status = base(function);
        status.setConditions(conditions(function, false, reason, message, clock));
        status.setRegisteredRevision(
                function.getStatus() == null ? null : function.getStatus().getRegisteredRevision());
        return status;
    }

    /**
     * @param function the resource as reconciled
     * @param status   its new status
     * @return a fresh resource naming the function and carrying only the status, for a status patch
     */
    static ServerlessFunction patchOf(ServerlessFunction function, ServerlessFunctionStatus status) {
        ServerlessFunction patch = new ServerlessFunction();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(function.getMetadata().getName())
                .withNamespace(function.getMetadata().getNamespace())
                .build());
        patch.setStatus(status);
        return patch;
    }

    /**
     * @param function the resource as reconciled
     * @param status   a newly built status
     * @return whether the resource already has it (so there is nothing to patch)
     */
    static boolean unchanged(ServerlessFunction function, ServerlessFunctionStatus status) {
        ServerlessFunctionStatus current = function.getStatus();
        return current != null
                && Objects.equals(current.getObservedGeneration(), status.getObservedGeneration())
                && Objects.equals(current.getRegisteredRevision(), status.getRegisteredRevision())
                && Objects.equals(current.getConditions(), status.getConditions());
    }

    /**
     * @param function the resource as reconciled
     * @param now      the current time
     * @return since when the function has not been ready (now when it was ready, or has no status yet)
     */
    static Instant notReadySince(ServerlessFunction function, Instant now) {
        List<Condition> conditions =
                function.getStatus() == null ? null : function.getStatus().getConditions();
        return Conditions.find(conditions, Conditions.READY)
                .filter(c -> "False".equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(c -> parse(c.getLastTransitionTime(), now))
                .orElse(now);
    }

    private static ServerlessFunctionStatus base(ServerlessFunction function) {
        ServerlessFunctionStatus status = new ServerlessFunctionStatus();
        status.setObservedGeneration(function.getMetadata().getGeneration());
        return status;
    }

    private static List<Condition> conditions(
            ServerlessFunction function, boolean ok, String reason, String message, Clock clock) {
        Long generation = function.getMetadata().getGeneration();
        List<Condition> current =
                function.getStatus() == null ? null : function.getStatus().getConditions();
        List<Condition> withRegistered =
                Conditions.set(current, Conditions.REGISTERED, ok, reason, message, generation, clock);
        return Conditions.set(withRegistered, Conditions.READY, ok, reason, message, generation, clock);
    }

    private static Instant parse(String time, Instant fallback) {
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
