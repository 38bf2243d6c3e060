package dev.switchboard.operator.model;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * What the generator's annotations cannot say, applied to a resource's generated root schema: descriptions of the
 * inherited {@code spec} and {@code status} and of the conditions, and {@code status.conditions} as a list keyed
 * by {@code type} (server-side apply then merges conditions by type). The input is a JSON object with the
 * descriptions under {@code spec}, {@code status} and {@code conditions}. (fabric8's MergePatchCustomizer
 * replaces nested maps rather than merging them, so it cannot add to {@code properties}.) Used only by the CRD
 * generator: the operator never loads it.
 */
public final class DescribedSchema implements SchemaCustomizer.Customizer {
    private static final Map<String, String> CONDITION_FIELDS = Map.of(
            "type", "Condition type: Ready.",
            "status", "True, False or Unknown.",
            "reason", "Why the condition has its status, in CamelCase.",
            "message", "What a person should know about the condition.",
            "lastTransitionTime", "When the status last changed.",
            "observedGeneration", "The metadata.generation the condition describes.");

    @Override
    public JSONSchemaProps apply(JSONSchemaProps root, String input, KubernetesSerialization serialization) {
        @SuppressWarnings("unchecked")
        Map<String, String> descriptions = serialization.unmarshal(input, Map.class);
        root.getProperties().get("spec").setDescription(descriptions.get("spec"));
        JSONSchemaProps status = root.getProperties().get("status");
        status.setDescription(descriptions.get("status"));
        JSONSchemaProps conditions = status.getProperties().get("conditions");
        conditions.setDescription(descriptions.get("conditions"));
        conditions.setXKubernetesListType("map");
        conditions.setXKubernetesListMapKeys(List.of("type"));
        JSONSchemaProps condition = conditions.getItems().getSchema();
        // a list-map key must be required in every item, or the API server refuses the CRD
        condition.setRequired(List.of("type", "status"));
        CONDITION_FIELDS.forEach(
                (name, description) -> condition.getProperties().get(name).setDescription(description));
        return root;
    }
}
