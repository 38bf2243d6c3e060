package dev.switchboard.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

/**
 * The validator that checks examples and chart output runs each CRD's CEL rules through a CEL evaluator: every
 * rule of the two CRDs is broken once here and must be reported, and the valid resources pass.
 */
class CrdSchemaValidatorTest {
    private final CrdSchemaValidator crds = new CrdSchemaValidator(Manifests.CRDS);

    private static JsonNode yaml(String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String gateway(String name, String spec) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: SseGateway
                metadata:
                  name: %s
                spec:
                %s""".formatted(name, spec.indent(2));
    }

    private static final String REDIS = "redis:\n  url: redis://redis:6379\n";

    @Test
    void aValidGatewayPasses() {
        assertThat(crds.validate(yaml(gateway("gw", REDIS + """
                podTemplate:
                  env:
                    - name: JAVA_TOOL_OPTIONS
                      value: -Xss512k
                  volumes:
                    - name: certs
                      emptyDir: {}
                  volumeMounts:
                    - name: certs
                      mountPath: /certs
                """)))).isEmpty();
    }

    @Test
    void eachGatewayRuleIsExecuted() {
        assertThat(crds.validate(yaml(gateway("gw", """
                redis:
                  url: redis://redis:6379
                  secretRef: {name: redis, key: url}
                """))))
                .singleElement()
                .asString()
                .startsWith("spec.redis: ");
        assertThat(crds.validate(yaml(gateway("gw", "redis: {}\n"))))
                .singleElement()
                .asString()
                .startsWith("spec.redis: ");
        assertThat(crds.validate(yaml(gateway("gw", REDIS + """
                podTemplate:
                  env:
                    - name: ADMIN_TOKEN
                      value: mine
                """))))
                .singleElement()
                .asString()
                .startsWith("spec.podTemplate.env: ");
        assertThat(crds.validate(yaml(gateway("gw", REDIS + """
                podTemplate:
                  volumes:
                    - name: tmp
                      emptyDir: {}
                """))))
                .singleElement()
                .asString()
                .startsWith("spec.podTemplate.volumes: ");
        assertThat(crds.validate(yaml(gateway("gw", REDIS + """
                podTemplate:
                  volumeMounts:
                    - name: x
                      mountPath: /tmp/
                """))))
                .singleElement()
                .asString()
                .startsWith("spec.podTemplate.volumeMounts: ");
    }

    @Test
    void theFunctionNameRuleIsExecuted() {
        String function = """
                apiVersion: switchboard.dev/v1alpha1
                kind: ServerlessFunction
                metadata:
                  name: %s
                spec:
                  gatewayRef: {name: demo}
                  endpoint: http://echo:8081/
                """;
        assertThat(crds.validate(yaml(function.formatted("Not_A_Label"))))
                .singleElement()
                .asString()
                .startsWith("<root>: ");
        assertThat(crds.validate(yaml(function.formatted("a".repeat(64)))))
                .singleElement()
                .asString()
                .startsWith("<root>: ");
        assertThat(crds.validate(yaml(function.formatted("a".repeat(63))))).isEmpty();
    }

    @Test
    void theHeaderRuleIsExecuted() {
        String function = """
                apiVersion: switchboard.dev/v1alpha1
                kind: ServerlessFunction
                metadata:
                  name: echo
                spec:
                  gatewayRef: {name: demo}
                  endpoint: http://echo:8081/
                  headers:
                    - name: X-Api-Key
                %s""";
        assertThat(crds.validate(yaml(function.formatted("      value: v\n")))).isEmpty();
        assertThat(crds.validate(yaml(
                        function.formatted("      value: v\n      valueFrom: {secretKeyRef: {name: s, key: k}}\n"))))
                .singleElement()
                .asString()
                .startsWith("spec.headers[0]: ");
        assertThat(crds.validate(yaml(function.formatted(""))))
                .singleElement()
                .asString()
                .startsWith("spec.headers[0]: ");
    }

    @Test
    void aRuleThatDoesNotHoldIsReportedWithItsMessage() {
        assertThat(CelRules.check("self.a > 1", yaml("a: 2"))).isNull();
        assertThat(CelRules.check("self.a > 1", yaml("a: 1"))).isEqualTo("false");
        assertThat(CelRules.check("self.a +", yaml("a: 1"))).startsWith("rule does not compile");
    }
}
