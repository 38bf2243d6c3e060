package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a function registration. */
public class ServerlessFunctionStatus {
    /** Described in {@link DescribedSchema}, which also keys the list by type. */
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation the status describes.")
    private Long observedGeneration;
    /** The registry revision written by the last successful reconcile. */
    @JsonPropertyDescription("The registry revision written by the last successful reconcile.")
    private Long registeredRevision;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Long getRegisteredRevision() {
        return registeredRevision;
    }

    public void setRegisteredRevision(Long registeredRevision) {
        this.registeredRevision = registeredRevision;
    }
}
