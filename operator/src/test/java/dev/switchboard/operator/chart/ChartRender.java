package dev.switchboard.operator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The chart rendered by {@code helm template} (helm-java), as one JSON tree per non-empty document. */
final class ChartRender {
    private ChartRender() {}

    /**
     * @param values sets the release's values on the template command
     * @return the rendered documents
     */
    static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(Manifests.CHART)
                .template()
                .withName(HelmChartTest.RELEASE)
                .withNamespace(HelmChartTest.NAMESPACE);
        List<JsonNode> docs = new ArrayList<>();
        try (var it = new YAMLMapper()
                .readerFor(JsonNode.class)
                .<JsonNode>readValues(values.apply(command).call())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** @return the documents of one kind */
    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }
}
