package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools that need the client: sampling, elicitation and roots, asked the 2026-07-28 way with an
 * {@code input_required} result and answered on the retry. Legacy clients get the same through the gateway's
 * bridge, which turns each input request into a real server-to-client request and retries for them.
 */
final class InteractiveTools {

    private InteractiveTools() {}

    static void register(ToolRegistry tools) {
        ObjectNode none = ToolRegistry.noArguments();
        tools.add(
                        "test_sampling",
                        "Tests server-initiated sampling (LLM completion request)",
                        ToolRegistry.stringArguments("prompt", "The prompt to send to the LLM"),
                        InteractiveTools::sampling)
                .add(
                        "test_elicitation",
                        "Tests server-initiated elicitation (user input request)",
                        ToolRegistry.stringArguments("message", "The message to show the user"),
                        InteractiveTools::elicitation)
                .add(
                        "test_elicitation_sep1034_defaults",
                        "Tests elicitation with default values per SEP-1034",
                        none,
                        call -> elicitAndReport(
                                call,
                                InputRequest.elicitation(
                                        "form_defaults",
                                        "Please review and update the form fields with defaults",
                                        defaultsForm())))
                .add(
                        "test_elicitation_sep1330_enums",
                        "Tests elicitation with enum schema improvements per SEP-1330",
                        none,
                        call -> elicitAndReport(
                                call,
                                InputRequest.elicitation(
                                        "enum_choices", "Please select options from the enum fields", enumsForm())))
                .add(
                        "test_input_required_result_elicitation",
                        "MRTR: returns InputRequiredResult with elicitation request",
                        none,
                        call -> call.interaction()
                                .collect(
                                        List.of(askName("user_name", "What is your name?")),
                                        false,
                                        answers -> Content.toolText(
                                                "Hello, " + field(answers.get("user_name"), "name") + "!")))
                .add(
                        "test_input_required_result_sampling",
                        "MRTR: returns InputRequiredResult with sampling request",
                        none,
                        call -> call.interaction()
                                .collect(
                                        List.of(InputRequest.sampling(
                                                "capital_question", "What is the capital of France?", 100)),
                                        false,
                                        answers -> Content.toolText(
                                                "Sampling result: " + sampledText(answers.get("capital_question")))))
                .add(
                        "test_input_required_result_list_roots",
                        "MRTR: returns InputRequiredResult with roots/list request",
                        none,
                        call -> call.interaction()
                                .collect(
                                        List.of(InputRequest.roots("client_roots")),
                                        false,
                                        answers -> Content.toolText(describeRoots(answers.get("client_roots")))))
                .add(
                        "test_input_required_result_request_state",
                        "MRTR: returns InputRequiredResult with requestState",
                        none,
                        call -> call.interaction()
                                .collect(
                                        List.of(askConfirmation()),
                                        true,
                                        answers -> Content.toolText("state-ok: requestState validated (confirmed="
                                                + answers.get("confirm")
                                                        .path("content")
                                                        .path("ok")
                                                        .asBoolean(false) + ")")))
                .add(
                        "test_input_required_result_multiple_inputs",
                        "MRTR: returns InputRequiredResult with multiple input requests",
                        none,
                        InteractiveTools::multipleInputs)
                .add(
                        "test_input_required_result_multi_round",
                        "MRTR: multi-round InputRequiredResult workflow",
                        none,
                        InteractiveTools::multiRound)
                .add(
                        "test_input_required_result_tampered_state",
                        "MRTR: HMAC-signed requestState integrity test",
                        none,
                        call -> call.interaction()
                                .collect(
                                        List.of(askConfirmation()),
                                        true,
                                        answers -> Content.toolText("integrity-ok: state verified")))
                .add(
                        "test_input_required_result_capabilities",
                        "MRTR: respects client capabilities in inputRequests",
                        none,
                        InteractiveTools::capabilities)
                .add(
                        "test_streaming_elicitation",
                        "Diagnostic tool validating response progress streams",
                        none,
                        InteractiveTools::streamingElicitation);
    }

    private static ObjectNode sampling(Invocation call) {
        InputRequest request = InputRequest.sampling("completion", call.argument("prompt"), 100);
        return call.interaction()
                .collect(
                        List.of(request),
                        false,
                        answers -> Content.toolText("LLM response: " + sampledText(answers.get("completion"))));
    }

    private static ObjectNode elicitation(Invocation call) {
        ObjectNode schema = form();
        property(schema, "username", "string").put("description", "User's response");
        property(schema, "email", "string").put("description", "User's email address");
        schema.set("required", Json.array("username", "email"));
        InputRequest request = InputRequest.elicitation("user_response", call.argument("message"), schema);
        return call.interaction()
                .collect(
                        List.of(request),
                        false,
                        answers -> Content.toolText(
                                "User response: " + describeElicitation(answers.get("user_response"))));
    }

    private static ObjectNode elicitAndReport(Invocation call, InputRequest request) {
        return call.interaction()
                .collect(
                        List.of(request),
                        false,
                        answers -> Content.toolText(
                                "Elicitation completed: " + describeElicitation(answers.get(request.key()))));
    }

    private static ObjectNode multipleInputs(Invocation call) {
        List<InputRequest> needed = List.of(
                askName("user_name", "What is your name?"),
                InputRequest.sampling("greeting", "Generate a greeting", 50),
                InputRequest.roots("client_roots"));
        return call.interaction()
                .collect(
                        needed,
                        true,
                        answers -> Content.toolText("Name: " + field(answers.get("user_name"), "name")
                                + "; Greeting: " + sampledText(answers.get("greeting"))
                                + "; Roots: "
                                + answers.get("client_roots").path("roots").size()));
    }

    /** Two rounds: the second question is only asked once the first is answered, and the state grows with it. */
    private static ObjectNode multiRound(Invocation call) {
        Interaction interaction = call.interaction();
        return interaction.collect(List.of(askName("step1", "Step 1: What is your name?")), true, first -> {
            ObjectNode colorForm = form();
            property(colorForm, "color", "string");
            colorForm.set("required", Json.array("color"));
            InputRequest second = InputRequest.elicitation("step2", "Step 2: What is your favorite color?", colorForm);
            return interaction.collect(
                    List.of(second),
                    true,
                    answers -> Content.toolText("Multi-round complete for " + field(first.get("step1"), "name")
                            + " who likes " + field(answers.get("step2"), "color")));
        });
    }

    /** Asks only for what the request's {@code clientCapabilities} declare (MRTR "MUST NOT" otherwise). */
    private static ObjectNode capabilities(Invocation call) {
        List<InputRequest> needed = new ArrayList<>();
        if (call.ctx().declares("elicitation")) {
            ObjectNode schema = form();
            property(schema, "value", "string");
            schema.set("required", Json.array("value"));
            needed.add(InputRequest.elicitation("elicit_input", "Elicitation input", schema));
        }
        if (call.ctx().declares("sampling")) {
            needed.add(InputRequest.sampling("sample_input", "Sample request", 50));
        }
        if (needed.isEmpty()) {
            return Content.toolText("No supported capabilities declared");
        }
        return call.interaction()
                .collect(
                        needed,
                        false,
                        answers -> Content.toolText("capabilities-ok: received " + String.join(",", answers.keySet())));
    }

    /**
     * Progress on the response stream, then the question as an input_required result on that same stream: a
     * 2026-07-28 response stream carries notifications and the response, never a request of its own.
     */
    private static ObjectNode streamingElicitation(Invocation call) {
        call.ctx().progress(0, 1, "Asking for confirmation");
        ObjectNode schema = form();
        property(schema, "confirmed", "boolean");
        schema.set("required", Json.array("confirmed"));
        InputRequest request = InputRequest.elicitation("confirmation", "Confirm to finish the streaming test", schema);
        return call.interaction()
                .collect(
                        List.of(request),
                        false,
                        answers -> Content.toolText("Streaming complete: action="
                                + answers.get("confirmation").path("action").asText()));
    }

    private static InputRequest askName(String key, String message) {
        ObjectNode schema = form();
        property(schema, "name", "string");
        schema.set("required", Json.array("name"));
        return InputRequest.elicitation(key, message, schema);
    }

    private static InputRequest askConfirmation() {
        ObjectNode schema = form();
        property(schema, "ok", "boolean");
        schema.set("required", Json.array("ok"));
        return InputRequest.elicitation("confirm", "Please confirm", schema);
    }

    /** SEP-1034: a default for every primitive type. */
    private static ObjectNode defaultsForm() {
        ObjectNode schema = form();
        property(schema, "name", "string").put("description", "User name").put("default", "John Doe");
        property(schema, "age", "integer").put("description", "User age").put("default", 30);
        property(schema, "score", "number").put("description", "User score").put("default", 95.5);
        property(schema, "status", "string")
                .put("description", "User status")
                .put("default", "active")
                .set("enum", Json.array("active", "inactive", "pending"));
        property(schema, "verified", "boolean")
                .put("description", "Verification status")
                .put("default", true);
        schema.putArray("required");
        return schema;
    }

    /** SEP-1330: the five enum shapes (untitled/titled single, legacy enumNames, untitled/titled multi). */
    private static ObjectNode enumsForm() {
        ObjectNode schema = form();
        property(schema, "untitledSingle", "string")
                .put("description", "Select one option")
                .set("enum", Json.array("option1", "option2", "option3"));
        titled(
                property(schema, "titledSingle", "string")
                        .put("description", "Select one option with titles")
                        .putArray("oneOf"),
                "Option");
        ObjectNode legacy = property(schema, "legacyEnum", "string").put("description", "Select one option (legacy)");
        legacy.set("enum", Json.array("opt1", "opt2", "opt3"));
        legacy.set("enumNames", Json.array("Option One", "Option Two", "Option Three"));
        property(schema, "untitledMulti", "array")
                .put("description", "Select multiple options")
                .put("minItems", 1)
                .put("maxItems", 3)
                .putObject("items")
                .put("type", "string")
                .set("enum", Json.array("option1", "option2", "option3"));
        titled(
                property(schema, "titledMulti", "array")
                        .put("description", "Select multiple options with titles")
                        .put("minItems", 1)
                        .put("maxItems", 3)
                        .putObject("items")
                        .putArray("anyOf"),
                "Choice");
        schema.putArray("required");
        return schema;
    }

    /** value1..value3 titled "First/Second/Third {noun}". */
    private static void titled(ArrayNode choices, String noun) {
        String[] ordinals = {"First", "Second", "Third"};
        for (int i = 0; i < ordinals.length; i++) {
            choices.addObject().put("const", "value" + (i + 1)).put("title", ordinals[i] + " " + noun);
        }
    }

    private static ObjectNode form() {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    private static ObjectNode property(ObjectNode schema, String name, String type) {
        return ((ObjectNode) schema.get("properties")).putObject(name).put("type", type);
    }

    /** "action=accept, content={...}": the format the reference server reports an ElicitResult in. */
    static String describeElicitation(JsonNode result) {
        JsonNode content = result.path("content");
        return "action=" + result.path("action").asText() + ", content="
                + Json.write(content.isObject() ? content : Json.object());
    }

    /** The text of a CreateMessageResult, whose content is one block or (2025-11-25 on) an array of blocks. */
    static String sampledText(JsonNode result) {
        JsonNode content = result.path("content");
        if (content.isArray()) {
            for (JsonNode block : content) {
                if (block.path("text").isTextual()) {
                    return block.get("text").asText();
                }
            }
        }
        return content.path("text").isTextual() ? content.get("text").asText() : "No response";
    }

    private static String field(JsonNode elicitResult, String field) {
        return Json.text(elicitResult.path("content"), field, "unknown");
    }

    private static String describeRoots(JsonNode result) {
        List<String> uris = new ArrayList<>();
        result.path("roots").forEach(root -> uris.add(root.path("uri").asText()));
        return "Found " + uris.size() + " root(s)" + (uris.isEmpty() ? "" : ": " + String.join(", ", uris));
    }
}
