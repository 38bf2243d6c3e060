package dev.switchboard.operator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a custom resource, as raw YAML, against the structural schema of its CRD in {@code crds/}: the subset
 * the Switchboard CRDs use (types, properties and unknown fields, required, enum, pattern, bounds, lengths,
 * int-or-string, additionalProperties) and every CEL rule ({@code x-kubernetes-validations}), executed by a CEL
 * evaluator ({@link CelRules}). Enough to keep examples and chart output valid without an API server.
 */
final class CrdSchemaValidator {
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final Map<String, JSONSchemaProps> schemaByApiVersionAndKind;

    CrdSchemaValidator(Path crdDir) {
        schemaByApiVersionAndKind = new HashMap<>();
        for (String file :
                List.of("ssegateways.switchboard.dev-v1.yml", "serverlessfunctions.switchboard.dev-v1.yml")) {
            CustomResourceDefinition crd = (CustomResourceDefinition)
                    Manifests.parseFile(crdDir.resolve(file)).getFirst().object();
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                schemaByApiVersionAndKind.put(
                        crd.getSpec().getGroup() + "/" + version.getName() + " "
                                + crd.getSpec().getNames().getKind(),
                        version.getSchema().getOpenAPIV3Schema());
            }
        }
    }

    /** The violations found; empty when the resource is valid. */
    List<String> validate(JsonNode resource) {
        String key = resource.path("apiVersion").asText() + " "
                + resource.path("kind").asText();
        JSONSchemaProps schema = schemaByApiVersionAndKind.get(key);
        List<String> errors = new ArrayList<>();
        if (schema == null) {
            errors.add("no CRD for " + key);
            return errors;
        }
        validate(resource, schema, "", errors, true);
        return errors;
    }

    private void validate(JsonNode value, JSONSchemaProps schema, String path, List<String> errors, boolean root) {
        String at = path.isEmpty() ? "<root>" : path;
        if (value.isNull()) {
            if (!Boolean.TRUE.equals(schema.getNullable())) {
                errors.add(at + ": null is not allowed");
            }
            return;
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(at + ": must be an integer or a string");
            }
            return;
        }
        String type = schema.getType();
        if (type != null) {
            boolean ok = switch (type) {
                case "object" -> value.isObject();
                case "array" -> value.isArray();
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                default -> true;
            };
            if (!ok) {
                errors.add(at + ": must be of type " + type + ", is " + value.getNodeType());
                return;
            }
        }
        if (schema.getEnum() != null
                && !schema.getEnum().isEmpty()
                && schema.getEnum().stream().noneMatch(e -> e.asText().equals(value.asText()))) {
            errors.add(at + ": " + value + " is not one of " + schema.getEnum());
        }
        if (value.isTextual()) {
            String text = value.asText();
            if (schema.getPattern() != null
                    && !Pattern.compile(schema.getPattern()).matcher(text).find()) {
                errors.add(at + ": \"" + text + "\" does not match " + schema.getPattern());
            }
            if (schema.getMaxLength() != null && text.length() > schema.getMaxLength()) {
                errors.add(at + ": longer than " + schema.getMaxLength());
            }
            if (schema.getMinLength() != null && text.length() < schema.getMinLength()) {
                errors.add(at + ": shorter than " + schema.getMinLength());
            }
        }
        if (value.isNumber()) {
            if (schema.getMinimum() != null && value.asDouble() < schema.getMinimum()) {
                errors.add(at + ": below the minimum " + schema.getMinimum());
            }
            if (schema.getMaximum() != null && value.asDouble() > schema.getMaximum()) {
                errors.add(at + ": above the maximum " + schema.getMaximum());
            }
        }
        if (value.isArray()) {
            if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
                errors.add(at + ": more than " + schema.getMaxItems() + " items");
            }
            if (schema.getItems() != null && schema.getItems().getSchema() != null) {
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.getItems().getSchema(), path + "[" + i + "]", errors, false);
                }
            }
        }
        if (value.isObject()) {
            validateObject(value, schema, path, errors, root);
        }
        // rules apply to whatever they are attached to: objects, lists (the pod template's env, volumes), scalars
        for (ValidationRule rule : schema.getXKubernetesValidations() == null
                ? List.<ValidationRule>of()
                : schema.getXKubernetesValidations()) {
            String failure = CelRules.check(rule.getRule(), value);
            if (failure != null) {
                errors.add((path.isEmpty() ? "<root>" : path) + ": "
                        + (rule.getMessage() == null ? rule.getRule() : rule.getMessage()) + " (" + failure + ")");
            }
        }
    }

    private void validateObject(
            JsonNode value, JSONSchemaProps schema, String path, List<String> errors, boolean root) {
        String prefix = path.isEmpty() ? "" : path + ".";
        Map<String, JSONSchemaProps> properties = schema.getProperties();
        for (String required : schema.getRequired() == null ? List.<String>of() : schema.getRequired()) {
            if (!value.has(required)) {
                errors.add(prefix + required + ": required");
            }
        }
        boolean preserveUnknown = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        var fields = value.properties().iterator();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (root && ROOT_FIELDS.contains(name)) {
                continue;
            }
            if (properties != null && properties.containsKey(name)) {
                validate(field.getValue(), properties.get(name), prefix + name, errors, false);
            } else if (schema.getAdditionalProperties() != null
                    && schema.getAdditionalProperties().getSchema() != null) {
                validate(field.getValue(), schema.getAdditionalProperties().getSchema(), prefix + name, errors, false);
            } else if (!preserveUnknown) {
                errors.add(prefix + name + ": unknown field");
            }
        }
    }
}
