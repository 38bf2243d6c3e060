package dev.switchboard.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Status conditions as the Kubernetes API conventions define them: {@code lastTransitionTime} changes only
 * when a condition's status changes; every condition records the generation it describes.
 */
public final class Conditions {
    /** Condition type: the resource does what it asks for. */
    public static final String READY = "Ready";
    /** Condition type (ServerlessFunction): the registration is in the gateway's Redis. */
    public static final String REGISTERED = "Registered";

    private Conditions() {}

    /**
     * Returns a new list with one condition set, keeping the transition time when the status did not change.
     *
     * @param current    the current conditions (not modified)
     * @param type       condition type
     * @param status     true, false (unknown is not used here)
     * @param reason     CamelCase reason
     * @param message    human-readable message
     * @param generation the resource generation observed
     * @param clock      time source
     * @return the new conditions
     */
    public static List<Condition> set(
            List<Condition> current,
            String type,
            boolean status,
            String reason,
            String message,
            Long generation,
            Clock clock) {
        String statusText = status ? "True" : "False";
        Optional<Condition> previous = find(current, type);
        String transition = previous.filter(c -> statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .orElse(Instant.now(clock).toString());
        Condition condition = new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(transition)
                .build();
        List<Condition> result = new ArrayList<>();
        if (current != null) {
            current.stream().filter(c -> !type.equals(c.getType())).forEach(result::add);
        }
        result.add(condition);
        result.sort((a, b) -> a.getType().compareTo(b.getType()));
        return result;
    }

    /**
     * @param conditions conditions, may be null
     * @param type       a type
     * @return the condition of that type
     */
    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
