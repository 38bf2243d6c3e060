package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.IntStream;

/** {@code completion/complete}: prefix matches over each prompt argument's suggestions and the template's ids. */
final class Completions {

    /** The spec caps a completion at 100 values. */
    private static final int MAX_VALUES = 100;

    private static final List<String> TEMPLATE_IDS =
            IntStream.rangeClosed(1, 5).mapToObj(Integer::toString).toList();

    private final PromptRegistry prompts;

    Completions(PromptRegistry prompts) {
        this.prompts = prompts;
    }

    ObjectNode complete(ObjectNode params) {
        JsonNode ref = params.path("ref");
        JsonNode argument = params.path("argument");
        if (!argument.path("name").isTextual()) {
            throw McpException.invalidParams("argument.name is required");
        }
        String name = argument.get("name").asText();
        String prefix = argument.path("value").asText("");
        List<String> candidates = switch (ref.path("type").asText("")) {
            case "ref/prompt" ->
                prompts.find(Json.text(ref, "name", "")).arguments().stream()
                        .filter(a -> a.name().equals(name))
                        .findFirst()
                        .map(PromptRegistry.Argument::suggestions)
                        .orElse(List.of());
            case "ref/resource" ->
                ResourceRegistry.TEMPLATE.equals(Json.text(ref, "uri", null)) && name.equals("id")
                        ? TEMPLATE_IDS
                        : List.of();
            default -> throw McpException.invalidParams("ref.type must be ref/prompt or ref/resource");
        };
        List<String> matches =
                candidates.stream().filter(c -> c.startsWith(prefix)).toList();
        ObjectNode result = Json.object();
        ObjectNode completion = result.putObject("completion");
        ArrayNode values = completion.putArray("values");
        matches.stream().limit(MAX_VALUES).forEach(values::add);
        completion.put("total", matches.size()).put("hasMore", matches.size() > MAX_VALUES);
        return result;
    }
}
