package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.examples.mcp.PromptRegistry.Argument;
import dev.switchboard.examples.mcp.PromptRegistry.Prompt;
import java.util.List;

/** The conformance prompts, with the exact texts the scenarios compare against. */
final class ConformancePrompts {

    private ConformancePrompts() {}

    static void register(PromptRegistry prompts, ResourceRegistry resources) {
        prompts.add(new Prompt(
                        "test_simple_prompt",
                        "Simple Test Prompt",
                        "A simple prompt without arguments",
                        List.of(),
                        call -> Content.userMessages(Content.text("This is a simple prompt for testing."))))
                .add(new Prompt(
                        "test_prompt_with_arguments",
                        "Prompt With Arguments",
                        "A prompt with required arguments",
                        List.of(
                                new Argument("arg1", "First test argument", true, List.of("hello", "howdy")),
                                new Argument("arg2", "Second test argument", true, List.of("world", "there"))),
                        call -> Content.userMessages(Content.text("Prompt with arguments: arg1='"
                                + call.argument("arg1") + "', arg2='" + call.argument("arg2") + "'"))))
                .add(new Prompt(
                        "test_prompt_with_embedded_resource",
                        "Prompt With Embedded Resource",
                        "A prompt that includes an embedded resource",
                        List.of(new Argument("resourceUri", "URI of the resource to embed", true, resources.uris())),
                        call -> Content.userMessages(
                                Content.resource(
                                        call.argument("resourceUri"),
                                        "text/plain",
                                        "Embedded resource content for testing."),
                                Content.text("Please process the embedded resource above."))))
                .add(new Prompt(
                        "test_prompt_with_image",
                        "Prompt With Image",
                        "A prompt that includes image content",
                        List.of(),
                        call -> Content.userMessages(
                                Content.image(Fixtures.PNG_1X1, "image/png"),
                                Content.text("Please analyze the image above."))))
                .add(new Prompt(
                        "test_input_required_result_prompt",
                        null,
                        "MRTR: prompt that requires elicitation input",
                        List.of(),
                        ConformancePrompts::withContext));
    }

    /** MRTR on prompts/get: the prompt asks for its context before it can be rendered. */
    private static ObjectNode withContext(Invocation call) {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties").putObject("context").put("type", "string");
        schema.set("required", Json.array("context"));
        InputRequest ask = InputRequest.elicitation("user_context", "What context should the prompt use?", schema);
        return call.interaction()
                .collect(
                        List.of(ask),
                        false,
                        answers -> Content.userMessages(Content.text("Prompt with context: "
                                + Json.text(answers.get("user_context").path("content"), "context", "unknown"))));
    }
}
