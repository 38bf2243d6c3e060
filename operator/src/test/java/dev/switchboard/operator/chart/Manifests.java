package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Parses Kubernetes YAML (a rendered chart, an example file) the strict way: every document becomes a typed
 * fabric8 object or one of Switchboard's custom resources, and a field that no model class knows (a typo that
 * the API server would drop or refuse) fails the test.
 */
final class Manifests {
    /** Paths relative to the operator module, Maven's working directory for tests. */
    static final Path ROOT = Path.of("..");

    static final Path CHART = ROOT.resolve("charts/switchboard");
    static final Path CRDS = ROOT.resolve("crds");
    static final Path EXAMPLES = ROOT.resolve("examples/k8s");

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        SERIALIZATION.registerKubernetesResource(SseGateway.class);
        SERIALIZATION.registerKubernetesResource(ServerlessFunction.class);
    }

    /** One YAML document: its raw tree (what the API server would receive) and its typed form. */
    record Doc(JsonNode raw, HasMetadata object) {
        String kind() {
            return object.getKind();
        }

        String name() {
            return object.getMetadata().getName();
        }

        String namespace() {
            return object.getMetadata().getNamespace();
        }
    }

    private Manifests() {}

    static List<Doc> parseFile(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of a YAML stream, typed; fails on unknown kinds and unknown fields. */
    static List<Doc> parse(String yaml) {
        List<Doc> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode raw = it.next();
                if (raw == null || raw.isNull() || raw.isMissingNode() || raw.isEmpty()) {
                    continue; // a document holding only comments
                }
                KubernetesResource typed = SERIALIZATION.convertValue(raw, KubernetesResource.class);
                String where = raw.path("kind").asText() + " "
                        + raw.path("metadata").path("name").asText();
                assertThat(typed)
                        .as("%s: kind/apiVersion not known to fabric8 or the Switchboard model", where)
                        .isInstanceOf(HasMetadata.class)
                        .isNotInstanceOf(GenericKubernetesResource.class);
                assertNoUnknownFields(typed, where);
                docs.add(new Doc(raw, (HasMetadata) typed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static <T extends HasMetadata> List<T> all(List<Doc> docs, Class<T> type) {
        return docs.stream()
                .map(Doc::object)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    static <T extends HasMetadata> T one(List<Doc> docs, Class<T> type) {
        List<T> found = all(docs, type);
        assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    static Doc raw(List<Doc> docs, HasMetadata object) {
        return docs.stream().filter(d -> d.object() == object).findFirst().orElseThrow();
    }

    /**
     * fabric8's model classes keep fields they do not know in {@code additionalProperties} instead of failing;
     * walk the object and require every such map (the {@code @JsonAnyGetter}) to be empty. Switchboard's own model
     * classes have none: Jackson already failed on an unknown field while converting.
     */
    static void assertNoUnknownFields(Object value, String path) {
        if (value == null
                || value instanceof Quantity
                || value instanceof AnyType
                || value instanceof CharSequence
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertNoUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertNoUnknownFields(v, path + "." + k));
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.kubernetes.api.model") && !type.startsWith("dev.switchboard")) {
            return;
        }
        BeanDescription bean = JSON.getSerializationConfig().introspect(JSON.constructType(value.getClass()));
        AnnotatedMember anyGetter = bean.findAnyGetter();
        if (anyGetter != null) {
            anyGetter.fixAccess(true);
            assertThat((Map<?, ?>) anyGetter.getValue(value))
                    .as("unknown fields at %s", path)
                    .isNullOrEmpty();
        }
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null && !accessor.equals(anyGetter)) {
                accessor.fixAccess(true);
                assertNoUnknownFields(accessor.getValue(value), path + "." + property.getName());
            }
        }
    }
}
