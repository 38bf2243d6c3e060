package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's optional cluster hygiene: metrics Services and a ServiceMonitor, the gateway's NetworkPolicy, and
 * CRDs as templates that Helm upgrades and never deletes. Selectors are checked against the labels of what they
 * must select (the operator's pod template; the labels the operator puts on gateway pods).
 */
class ClusterHygieneChartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The labels the operator puts on the pods of the chart's gateway (GatewayMetadata.labels). */
    private static final Map<String, String> GATEWAY_POD = Map.of(
            "app.kubernetes.io/name",
            "switchboard-gateway",
            "switchboard.dev/gateway",
            "switchboard-gateway",
            "app.kubernetes.io/managed-by",
            "switchboard-operator");

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
        return ChartRender.render(values);
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return ChartRender.ofKind(docs, kind);
    }

    private static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> map(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }

    private static Map<String, String> operatorPodLabels(List<JsonNode> docs) {
        return map(ofKind(docs, "Deployment")
                .getFirst()
                .path("spec")
                .path("template")
                .path("metadata")
                .path("labels"));
    }

    private static UnaryOperator<TemplateCommand> withGateway(UnaryOperator<TemplateCommand> more) {
        return t -> more.apply(t.set("gateway.enabled", "true").set("gateway.redis.url", "redis://redis:6379"));
    }

    @Test
    void nothingOptionalByDefault() {
        List<JsonNode> docs = render(withGateway(t -> t));
        assertThat(ofKind(docs, "ServiceMonitor")).isEmpty();
        assertThat(ofKind(docs, "NetworkPolicy")).isEmpty();
        assertThat(ofKind(docs, "HorizontalPodAutoscaler")).isEmpty();
        assertThat(ofKind(docs, "CustomResourceDefinition")).isEmpty();
        assertThat(ofKind(docs, "Service")).isEmpty();
    }

    @Test
    void metricsServicesSelectTheOperatorAndTheGatewayPodsAndTheServiceMonitorBoth() {
        List<JsonNode> docs = render(withGateway(t -> t.set("metrics.service.enabled", "true")
                .set("metrics.serviceMonitor.enabled", "true")
                .set("metrics.serviceMonitor.labels.release", "prom")));
        JsonNode operator = named(docs, "Service", "switchboard-operator-metrics");
        assertThat(operatorPodLabels(docs))
                .containsAllEntriesOf(map(operator.path("spec").path("selector")));
        assertThat(operator.path("spec").path("ports").get(0).path("name").asText())
                .isEqualTo("metrics");
        assertThat(operator.path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo("http");

        JsonNode gateway = named(docs, "Service", "switchboard-gateway-metrics");
        assertThat(GATEWAY_POD).containsAllEntriesOf(map(gateway.path("spec").path("selector")));
        assertThat(gateway.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(gateway.path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo("admin");

        JsonNode monitor = ofKind(docs, "ServiceMonitor").getFirst();
        assertThat(monitor.path("metadata").path("labels").path("release").asText())
                .isEqualTo("prom");
        assertThat(monitor.path("spec").path("endpoints").findValuesAsText("port"))
                .containsExactly("metrics", "admin");
        for (JsonNode service : List.of(operator, gateway)) {
            assertThat(selects(
                            monitor.path("spec").path("selector"),
                            map(service.path("metadata").path("labels"))))
                    .as(service.path("metadata").path("name").asText())
                    .isTrue();
        }
        assertThatThrownBy(() -> render(t -> t.set("metrics.serviceMonitor.enabled", "true")))
                .hasMessageContaining("needs metrics.service.enabled");
    }

    /** matchExpressions with operator In, as the chart writes them. */
    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (JsonNode expression : selector.path("matchExpressions")) {
            assertThat(expression.path("operator").asText()).isEqualTo("In");
            String value = labels.get(expression.path("key").asText());
            boolean found = false;
            for (JsonNode v : expression.path("values")) {
                found |= v.asText().equals(value);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theNetworkPolicyOpensTheAdminPortOnlyToTheOperatorAndPrometheus() {
        List<JsonNode> docs = render(withGateway(t -> t.set("networkPolicy.enabled", "true")));
        JsonNode policy = ofKind(docs, "NetworkPolicy").getFirst().path("spec");
        assertThat(GATEWAY_POD)
                .containsAllEntriesOf(map(policy.path("podSelector").path("matchLabels")));
        assertThat(policy.path("policyTypes").get(0).asText()).isEqualTo("Ingress");
        JsonNode clients = policy.path("ingress").get(0);
        assertThat(clients.path("ports").findValuesAsText("port")).containsExactly("http", "streams");
        assertThat(clients.has("from"))
                .as("public ports open to every client by default")
                .isFalse();
        JsonNode admin = policy.path("ingress").get(1);
        assertThat(admin.path("ports").findValuesAsText("port")).containsExactly("admin");
        assertThat(admin.path("from")).hasSize(2);
        assertThat(operatorPodLabels(docs))
                .containsAllEntriesOf(
                        map(admin.path("from").get(0).path("podSelector").path("matchLabels")));
        assertThat(admin.path("from").get(0).has("namespaceSelector"))
                .as("the operator's own namespace")
                .isFalse();
        assertThat(map(admin.path("from").get(1).path("podSelector").path("matchLabels")))
                .containsEntry("app.kubernetes.io/name", "prometheus");
        assertThat(admin.path("from").get(1).has("namespaceSelector")).isTrue();
    }

    @Test
    void anHpaScalesTheGatewayThroughItsScaleSubresourceAndTheChartLeavesItsCount() {
        List<JsonNode> docs = render(withGateway(
                t -> t.set("gateway.autoscaling.enabled", "true").set("gateway.autoscaling.maxReplicas", "6")));
        JsonNode hpa = ofKind(docs, "HorizontalPodAutoscaler").getFirst();
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        JsonNode gateway = ofKind(docs, "SseGateway").getFirst();
        assertThat(target.path("kind").asText()).isEqualTo("SseGateway");
        assertThat(target.path("apiVersion").asText())
                .isEqualTo(gateway.path("apiVersion").asText());
        assertThat(target.path("name").asText())
                .isEqualTo(gateway.path("metadata").path("name").asText());
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(2);
        assertThat(hpa.path("spec").path("maxReplicas").asInt()).isEqualTo(6);
        assertThat(gateway.path("spec").has("replicas"))
                .as("the HPA owns the count")
                .isFalse();
        assertThat(new CrdSchemaValidator(Manifests.CRDS).validate(gateway)).isEmpty();

        assertThat(ofKind(render(withGateway(t -> t)), "HorizontalPodAutoscaler"))
                .isEmpty();
        assertThat(ofKind(render(withGateway(t -> t)), "SseGateway")
                        .getFirst()
                        .path("spec")
                        .path("replicas")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void managedCrdsAreTheCheckedInOnesKeptOnUninstall() throws IOException {
        List<JsonNode> crds = ofKind(render(t -> t.set("crds.manage", "true")), "CustomResourceDefinition");
        assertThat(crds).hasSize(2);
        for (JsonNode crd : crds) {
            String name = crd.path("metadata").path("name").asText();
            assertThat(crd.path("metadata")
                            .path("annotations")
                            .path("helm.sh/resource-policy")
                            .asText())
                    .as(name)
                    .isEqualTo("keep");
            // compared as CRD objects: Helm's YAML round trip may write a number or a string differently
            var rendered = (io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition)
                    Manifests.parse(new YAMLMapper().writeValueAsString(crd))
                            .getFirst()
                            .object();
            var checkedIn = (io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition)
                    Manifests.parseFile(Manifests.CRDS.resolve(name + "-v1.yml"))
                            .getFirst()
                            .object();
            assertThat(rendered.getSpec()).as(name).isEqualTo(checkedIn.getSpec());
        }
    }
}
