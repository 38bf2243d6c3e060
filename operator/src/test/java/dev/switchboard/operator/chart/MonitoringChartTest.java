package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's optional Grafana dashboard ConfigMap and PrometheusRule, rendered by the real Helm library. (That
 * every metric and label they query exists in the gateway's /metrics is checked in the gateway module, by
 * {@code DashboardMetricsTest}, against a real scrape.)
 */
class MonitoringChartTest {
    private static final List<String> REQUIRED_ALERTS = List.of(
            "SwitchboardListenerDown",
            "SwitchboardGatewayUnreachable",
            "SwitchboardRedisUnavailable",
            "SwitchboardFunctionErrorRate",
            "SwitchboardRefusedConnections",
            "SwitchboardEventLossSuspected");

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
        return ChartRender.render(values);
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return ChartRender.ofKind(docs, kind);
    }

    @Test
    void neitherIsRenderedByDefault() {
        List<JsonNode> docs = render(t -> t);
        assertThat(ofKind(docs, "ConfigMap")).isEmpty();
        assertThat(ofKind(docs, "PrometheusRule")).isEmpty();
    }

    @Test
    void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardFile() throws IOException {
        List<JsonNode> docs = render(t -> t.set("monitoring.grafanaDashboard.enabled", "true"));
        // a ConfigMap is a core kind: parsed strictly, like every other document of the chart
        ConfigMap map = Manifests.one(
                Manifests.parse(new YAMLMapper()
                        .writeValueAsString(ofKind(docs, "ConfigMap").getFirst())),
                ConfigMap.class);
        assertThat(map.getMetadata().getName()).isEqualTo("switchboard-dashboard");
        assertThat(map.getMetadata().getNamespace()).isEqualTo(HelmChartTest.NAMESPACE);
        assertThat(map.getMetadata().getLabels())
                .containsEntry("grafana_dashboard", "1")
                .containsEntry("app.kubernetes.io/part-of", "switchboard");
        JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("switchboard.json"));
        assertThat(dashboard)
                .isEqualTo(new ObjectMapper()
                        .readTree(Files.readString(Manifests.CHART.resolve("monitoring/dashboard.json"))));
        assertThat(dashboard.get("uid").asText()).isEqualTo("switchboard-gateway");
        assertThat(dashboard.get("panels"))
                .allSatisfy(panel -> assertThat(panel.get("targets")).isNotEmpty());

        docs = render(t -> t.set("monitoring.grafanaDashboard.enabled", "true")
                .set("monitoring.grafanaDashboard.namespace", "grafana")
                .set("monitoring.grafanaDashboard.labels.grafana_dashboard", "switchboard")
                .set("monitoring.grafanaDashboard.annotations.grafana_folder", "Switchboard"));
        JsonNode placed = ofKind(docs, "ConfigMap").getFirst().get("metadata");
        assertThat(placed.get("namespace").asText()).isEqualTo("grafana");
        assertThat(placed.get("labels").get("grafana_dashboard").asText()).isEqualTo("switchboard");
        assertThat(placed.get("annotations").get("grafana_folder").asText()).isEqualTo("Switchboard");
    }

    @Test
    void thePrometheusRuleHoldsEveryAlertWithSeverityAndSummary() throws IOException {
        List<JsonNode> docs = render(t -> t.set("monitoring.prometheusRule.enabled", "true")
                .set("monitoring.prometheusRule.labels.release", "prometheus"));
        List<JsonNode> rules = ofKind(docs, "PrometheusRule");
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.getFirst();
        assertThat(rule.get("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.get("metadata").get("namespace").asText()).isEqualTo(HelmChartTest.NAMESPACE);
        assertThat(rule.get("metadata").get("labels").get("release").asText()).isEqualTo("prometheus");
        JsonNode groups = rule.get("spec").get("groups");
        assertThat(groups)
                .as("the rule file, as a PrometheusRule's groups")
                .isEqualTo(new YAMLMapper()
                        .readTree(Manifests.CHART
                                .resolve("monitoring/alerts.yaml")
                                .toFile()));
        List<String> names = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode alert : group.get("rules")) {
                names.add(alert.get("alert").asText());
                assertThat(alert.get("expr").asText())
                        .as(alert.get("alert").asText())
                        .isNotBlank();
                assertThat(alert.has("for")).isTrue();
                assertThat(alert.get("labels").get("severity").asText()).isIn("critical", "warning", "info");
                assertThat(alert.get("annotations").get("summary").asText()).isNotBlank();
                assertThat(alert.get("annotations").get("description").asText()).isNotBlank();
            }
        }
        assertThat(names).containsAll(REQUIRED_ALERTS).doesNotHaveDuplicates();
        assertThat(groups.toString())
                .as("Prometheus templates reach Prometheus untouched by Helm")
                .contains("{{ $labels.instance }}");
    }

    @Test
    void monitoringValuesAreCheckedBySchema() {
        assertThatThrownBy(() -> render(t -> t.set("monitoring.grafanaDashboard.enabled", "yes")))
                .hasMessageContaining(HelmChartTest.SCHEMA_ERROR);
        assertThatThrownBy(() -> render(t -> t.set("monitoring.prometheusRule.selector", "x")))
                .hasMessageContaining(HelmChartTest.SCHEMA_ERROR);
        assertThatThrownBy(() -> render(t -> t.set("monitoring.grafanaDashboard.namespace", "Not_A_Namespace")))
                .hasMessageContaining(HelmChartTest.SCHEMA_ERROR);
    }
}
