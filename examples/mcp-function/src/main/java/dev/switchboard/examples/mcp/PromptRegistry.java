package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The prompts, in listing order, with their arguments and the values completion offers for them. */
final class PromptRegistry {

    @FunctionalInterface
    interface Handler {
        ObjectNode get(Invocation call);
    }

    /** @param suggestions what {@code completion/complete} offers for this argument */
    record Argument(String name, String description, boolean required, List<String> suggestions) {}

    record Prompt(String name, String title, String description, List<Argument> arguments, Handler handler) {}

    private final Map<String, Prompt> prompts = new LinkedHashMap<>();

    PromptRegistry add(Prompt prompt) {
        if (prompts.putIfAbsent(prompt.name(), prompt) != null) {
            throw new IllegalArgumentException("duplicate prompt " + prompt.name());
        }
        return this;
    }

    ObjectNode list() {
        ObjectNode result = Json.object();
        ArrayNode list = result.putArray("prompts");
        prompts.values().forEach(prompt -> {
            ObjectNode entry = list.addObject().put("name", prompt.name());
            if (prompt.title() != null) {
                entry.put("title", prompt.title());
            }
            entry.put("description", prompt.description());
            if (!prompt.arguments().isEmpty()) {
                ArrayNode arguments = entry.putArray("arguments");
                prompt.arguments()
                        .forEach(a -> arguments
                                .addObject()
                                .put("name", a.name())
                                .put("description", a.description())
                                .put("required", a.required()));
            }
        });
        return result;
    }

    Prompt find(String name) {
        Prompt prompt = prompts.get(name);
        if (prompt == null) {
            throw McpException.invalidParams("Unknown prompt: " + name);
        }
        return prompt;
    }

    /** Prompt arguments are strings; a missing required one is a protocol error (there is no isError for prompts). */
    ObjectNode get(Prompt prompt, Invocation call) {
        for (Argument argument : prompt.arguments()) {
            JsonNode value = call.arguments().get(argument.name());
            if (argument.required() && (value == null || !value.isTextual())) {
                throw McpException.invalidParams(
                        "Missing required argument '" + argument.name() + "' for prompt " + prompt.name());
            }
        }
        return prompt.handler().get(call);
    }
}
