package dev.switchboard.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a gateway fleet. */
public class SseGatewayStatus {
    @JsonPropertyDescription("Gateway pods ready.")
    private Integer readyReplicas;
    /** Replicas of the Deployment now (the scale subresource's status). */
    @StatusReplicas
    @JsonPropertyDescription("Replicas of the gateway's Deployment now (the scale subresource's status).")
    private Integer replicas;
    /** Label selector of the gateway's pods, for an HPA through the scale subresource. */
    @LabelSelector
    @JsonPropertyDescription("Label selector of the gateway's pods, for an HPA through the scale subresource.")
    private String selector;
    /** In-cluster URL of the public listener. */
    @JsonPropertyDescription("In-cluster URL of the public listener.")
    private String url;
    /** Described in {@link DescribedSchema}, which also keys the list by type. */
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The metadata.generation the status describes.")
    private Long observedGeneration;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

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
}
