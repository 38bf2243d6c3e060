package dev.switchboard.operator.model;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;

/** Observed state of a function registration. */
public class ServerlessFunctionStatus {
    private List<Condition> conditions = new ArrayList<>();
    private Long observedGeneration;
    /** The registry revision written by the last successful reconcile. */
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
