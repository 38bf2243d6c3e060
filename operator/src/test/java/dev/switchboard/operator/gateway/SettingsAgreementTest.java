package dev.switchboard.operator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.operator.model.GatewayPodSettings;
import dev.switchboard.registry.settings.GatewaySettings;
import dev.switchboard.registry.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The SseGateway CRD, the Helm chart and the operator agree with the gateway's settings catalogue: every spec field
 * that configures the gateway is mapped to a catalogue setting, every bound the CRD or the chart states is the
 * catalogue's, every key a description or the chart names exists, and defaults the chart states are the gateway's.
 */
class SettingsAgreementTest {
    private static final Path CRD = Path.of("..", "crds", "ssegateways.switchboard.dev-v1.yml");
    private static final Path CHART = Path.of("..", "charts", "switchboard");
    /** Spec fields that shape the Deployment rather than configure the gateway, or reach it through a Secret. */
    private static final Set<String> NOT_SETTINGS = Set.of(
            "replicas",
            "image",
            "redis",
            "resources",
            "service",
            "adminTokenSecretRef",
            "podTemplate",
            "clientAuth.apiKeysSecretRef");

    private static final Pattern KEY = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

    private static Map<String, Setting<?>> mapped() {
        Map<String, Setting<?>> fields = new TreeMap<>();
        GatewayEnvironment.SPEC_FIELDS.forEach(f -> fields.put(f.path(), f.setting()));
        return fields;
    }

    private static JsonNode crdSpec() throws IOException {
        JsonNode crd = new YAMLMapper().readTree(Files.readString(CRD));
        return crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    }

    /** The CRD's leaves under spec, by dotted path (objects without properties of their own count as leaves). */
    private static Map<String, JsonNode> leaves(JsonNode node, String prefix, Map<String, JsonNode> out) {
        JsonNode properties = node.get("properties");
        if (properties == null || NOT_SETTINGS.contains(prefix)) {
            if (!prefix.isEmpty() && !NOT_SETTINGS.contains(prefix)) {
                out.put(prefix, node);
            }
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            leaves(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), out);
        }
        return out;
    }

    @Test
    void everyCrdFieldThatConfiguresTheGatewayIsACatalogueSetting() throws IOException {
        Map<String, JsonNode> crdFields = leaves(crdSpec(), "", new TreeMap<>());
        assertThat(crdFields.keySet())
                .as("CRD spec fields without a setting in GatewayEnvironment.SPEC_FIELDS " + "(or NOT_SETTINGS)")
                .containsExactlyInAnyOrderElementsOf(mapped().keySet());
        mapped().forEach((path, setting) -> {
            assertThat(GatewaySettings.ALL).as(path).contains(setting);
            JsonNode field = crdFields.get(path);
            if (field.has("minimum")) {
                assertThat(field.get("minimum").asLong())
                        .as(path + " minimum")
                        .isEqualTo(((Number) setting.min().orElseThrow()).longValue());
            }
            if (field.has("maximum")) {
                assertThat(field.get("maximum").asLong())
                        .as(path + " maximum")
                        .isEqualTo(((Number) setting.max().orElseThrow()).longValue());
            }
            // a description naming a key names this field's key
            Matcher keys = KEY.matcher(field.path("description").asText());
            while (keys.find()) {
                assertThat(keys.group()).as(path + " description").isEqualTo(setting.key());
            }
        });
    }

    @Test
    void everyKeyTheCrdNamesIsACatalogueKey() throws IOException {
        Set<String> named = new TreeSet<>();
        Matcher keys = KEY.matcher(Files.readString(CRD));
        while (keys.find()) {
            named.add(keys.group());
        }
        Set<String> catalogue = GatewaySettings.ALL.stream().map(Setting::key).collect(Collectors.toSet());
        assertThat(named).isSubsetOf(catalogue);
        // the operator's own variables, which spec.podTemplate.env may not set
        Matcher reserved = KEY.matcher(reservedEnv());
        while (reserved.find()) {
            assertThat(catalogue).contains(reserved.group());
        }
    }

    private static String reservedEnv() {
        try {
            var field = GatewayPodSettings.class.getDeclaredField("RESERVED_ENV");
            field.setAccessible(true);
            return (String) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theChartsGatewayValuesMapToSettingsWithTheCataloguesBounds() throws IOException {
        JsonNode gateway = new ObjectMapper()
                .readTree(Files.readString(CHART.resolve("values.schema.json")))
                .at("/properties/gateway/properties");
        Map<String, Setting<?>> mapped = mapped();
        for (String section : List.of("limits", "clientAuth")) {
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            gateway.path(section).path("properties").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> value = it.next();
                String path = section + "." + value.getKey();
                if (NOT_SETTINGS.contains(path) || path.equals("clientAuth.oauth")) {
                    continue;
                }
                Setting<?> setting = mapped.get(path);
                assertThat(setting)
                        .as("chart value gateway.%s maps to no setting", path)
                        .isNotNull();
                if (value.getValue().has("minimum")) {
                    assertThat(value.getValue().get("minimum").asLong())
                            .as(path + " minimum")
                            .isEqualTo(((Number) setting.min().orElseThrow()).longValue());
                }
                if (value.getValue().has("maximum")) {
                    assertThat(value.getValue().get("maximum").asLong())
                            .as(path + " maximum")
                            .isEqualTo(((Number) setting.max().orElseThrow()).longValue());
                }
            }
        }
        assertThat(mapped).containsKeys("heartbeatInterval", "sessionTtl");
        assertThat(gateway.has("heartbeatInterval") && gateway.has("sessionTtl"))
                .isTrue();
    }

    @Test
    void theSpecFieldsTheChartTemplateWritesAreKnown() throws IOException {
        String template = Files.readString(CHART.resolve("templates").resolve("gateway.yaml"));
        String spec = template.substring(template.indexOf("\nspec:\n"));
        Set<String> topLevel = new TreeSet<>();
        Matcher field = Pattern.compile("(?m)^  ([a-zA-Z]+):").matcher(spec);
        while (field.find()) {
            topLevel.add(field.group(1));
        }
        Set<String> known = new TreeSet<>(NOT_SETTINGS);
        mapped().keySet().forEach(path -> known.add(path.split("\\.")[0]));
        assertThat(topLevel).isNotEmpty().isSubsetOf(known);
    }

    @Test
    void defaultsAndFieldListsTheChartDocumentsAreTheGateways() throws IOException {
        String values = Files.readString(CHART.resolve("values.yaml"));
        Matcher heartbeat = Pattern.compile(
                        "empty means the gateway's default \\((\\S+)\\)\\.\\n\\s*heartbeatInterval:")
                .matcher(values);
        assertThat(heartbeat.find())
                .as("values.yaml documents heartbeatInterval's default")
                .isTrue();
        assertThat(heartbeat.group(1))
                .isEqualTo(GatewaySettings.HEARTBEAT_INTERVAL.defaultText().orElseThrow());
        // the comment over gateway.limits lists the fields a user may set
        Matcher limits = Pattern.compile("Gateway limits \\(SseGateway spec\\.limits\\): ([^.]+)\\.")
                .matcher(values);
        assertThat(limits.find()).isTrue();
        Set<String> listed = java.util.Arrays.stream(limits.group(1).split("[,\\s#-]+"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> fields = mapped().keySet().stream()
                .filter(p -> p.startsWith("limits."))
                .map(p -> p.substring("limits.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(fields);
    }

    @Test
    void thePortsTheOperatorSetsAreTheGatewaysDefaults() {
        assertThat(GatewayEnvironment.PUBLIC_PORT)
                .isEqualTo(GatewaySettings.PORT.defaultValue().orElseThrow());
        assertThat(GatewayEnvironment.ADMIN_PORT)
                .isEqualTo(GatewaySettings.ADMIN_PORT.defaultValue().orElseThrow());
        // and every value it writes is one the gateway accepts
        GatewaySettings.FUNCTION_ALLOWED_NETWORKS.parse(GatewayEnvironment.DEFAULT_FUNCTION_NETWORKS);
    }
}
