package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code kubectl explain}, {@code kubectl get switchboard} and server-side apply see in the checked-in CRDs
 * (kept equal to the model by {@link CrdFilesTest}).
 */
class CrdSchemaDocumentationTest {
    /** Fields of Kubernetes' own types: described by the field holding them, their insides are Kubernetes'. */
    static final Set<String> KUBERNETES_TYPES = Set.of(
            ".spec.resources",
            ".spec.podTemplate.imagePullSecrets",
            ".spec.podTemplate.nodeSelector",
            ".spec.podTemplate.tolerations",
            ".spec.podTemplate.affinity",
            ".spec.podTemplate.topologySpreadConstraints",
            ".spec.podTemplate.env",
            ".spec.podTemplate.volumes",
            ".spec.podTemplate.volumeMounts");

    @ParameterizedTest
    @ValueSource(strings = {"ssegateways.switchboard.dev-v1.yml", "serverlessfunctions.switchboard.dev-v1.yml"})
    void everyFieldIsDescribedConditionsAreKeyedByTypeAndTheCategoryIsSwitchboard(String file) throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(
                Files.readString(CrdFilesTest.CRDS.resolve(file)), CustomResourceDefinition.class);
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("switchboard");
        JSONSchemaProps root =
                crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema();

        List<String> undescribed = new ArrayList<>();
        collectUndescribed(root, "", undescribed);
        assertThat(undescribed).as("fields without a description").isEmpty();

        JSONSchemaProps conditions =
                root.getProperties().get("status").getProperties().get("conditions");
        assertThat(conditions.getXKubernetesListType()).isEqualTo("map");
        assertThat(conditions.getXKubernetesListMapKeys()).containsExactly("type");
        // a list-map key must be required (or defaulted) in every item, or the API server refuses the CRD
        assertThat(conditions.getItems().getSchema().getRequired()).contains("type");
    }

    private static void collectUndescribed(JSONSchemaProps schema, String path, List<String> undescribed) {
        Map<String, JSONSchemaProps> properties = schema.getProperties();
        if (properties == null) {
            if (schema.getItems() != null && schema.getItems().getSchema() != null) {
                collectUndescribed(schema.getItems().getSchema(), path + "[]", undescribed);
            }
            return;
        }
        for (Map.Entry<String, JSONSchemaProps> property : properties.entrySet()) {
            String at = path + "." + property.getKey();
            if (path.isEmpty() && Set.of("apiVersion", "kind", "metadata").contains(property.getKey())) {
                continue;
            }
            if (property.getValue().getDescription() == null
                    || property.getValue().getDescription().isBlank()) {
                undescribed.add(at);
            }
            if (!KUBERNETES_TYPES.contains(at)) {
                collectUndescribed(property.getValue(), at, undescribed);
            }
        }
    }
}
