package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;

/**
 * The conformance tools that answer in one round: fixed content, logging, progress, a tool error, the capability
 * check, and the JSON Schema 2020-12 listing test. Names and texts are the ones the scenarios compare against.
 */
final class ContentTools {

    /** The scenarios check that notifications arrive spread out (~50 ms), not all at once with the result. */
    static final Duration STEP = Duration.ofMillis(50);

    private ContentTools() {}

    static void register(ToolRegistry tools) {
        ObjectNode none = ToolRegistry.noArguments();
        tools.add(
                        "test_simple_text",
                        "Tests simple text content response",
                        none,
                        call -> Content.toolText("This is a simple text response for testing."))
                .add(
                        "test_image_content",
                        "Tests image content response",
                        none,
                        call -> Content.toolResult(Content.image(Fixtures.PNG_1X1, "image/png")))
                .add(
                        "test_audio_content",
                        "Tests audio content response",
                        none,
                        call -> Content.toolResult(Content.audio(Fixtures.WAV_MINIMAL, "audio/wav")))
                .add(
                        "test_embedded_resource",
                        "Tests embedded resource content response",
                        none,
                        call -> Content.toolResult(Content.resource(
                                "test://embedded-resource", "text/plain", "This is an embedded resource content.")))
                .add(
                        "test_multiple_content_types",
                        "Tests response with multiple content types (text, image, resource)",
                        none,
                        ContentTools::multipleContentTypes)
                .add(
                        "test_tool_with_logging",
                        "Tests tool that emits log messages during execution",
                        none,
                        ContentTools::withLogging)
                .add(
                        "test_tool_with_progress",
                        "Tests tool that reports progress notifications",
                        none,
                        ContentTools::withProgress)
                .add(
                        "test_error_handling",
                        "Tests error response handling",
                        none,
                        call -> Content.toolError("This tool intentionally returns an error for testing"))
                .add("test_missing_capability", "Test tool requiring sampling", none, ContentTools::missingCapability)
                .add("test_logging_tool", "Diagnostic logging validator tool", none, call -> {
                    call.ctx().log(LogLevel.INFO, "Diagnostic trace logging activated");
                    return Content.toolText("Logging evaluated");
                })
                .add(
                        "json_schema_2020_12_tool",
                        "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
                        jsonSchema202012(),
                        call -> Content.toolText(
                                "JSON Schema 2020-12 tool called with: " + Json.write(call.arguments())));
    }

    private static ObjectNode multipleContentTypes(Invocation call) {
        ObjectNode data = Json.object().put("test", "data").put("value", 123);
        return Content.toolResult(
                Content.text("Multiple content types test:"),
                Content.image(Fixtures.PNG_1X1, "image/png"),
                Content.resource("test://mixed-content-resource", "application/json", Json.write(data)));
    }

    /** Logs only if the request carries a log level (2026-07-28 rule; the gateway passes a legacy session's). */
    private static ObjectNode withLogging(Invocation call) throws InterruptedException {
        call.ctx().log(LogLevel.INFO, "Tool execution started");
        Thread.sleep(STEP);
        call.ctx().log(LogLevel.INFO, "Tool processing data");
        Thread.sleep(STEP);
        call.ctx().log(LogLevel.INFO, "Tool execution completed");
        return Content.toolText("Tool with logging executed successfully");
    }

    private static ObjectNode withProgress(Invocation call) throws InterruptedException {
        for (int step = 0; step <= 100; step += 50) {
            if (step > 0) {
                Thread.sleep(STEP);
            }
            call.ctx().progress(step, 100, "Completed step " + step + " of 100");
        }
        return Content.toolText("Tool with progress executed successfully");
    }

    /**
     * Demonstrates -32021: the tool needs {@code sampling} declared in the request. Unlike the interactive tools,
     * a request that declares nothing fails too: the point of this tool is the error.
     */
    private static ObjectNode missingCapability(Invocation call) {
        ObjectNode declared = call.ctx().capabilities();
        if (declared == null || !declared.has("sampling")) {
            ObjectNode required = Json.object();
            required.putObject("sampling");
            throw McpException.missingCapabilities(required);
        }
        return Content.toolText("Success");
    }

    /**
     * An input schema that uses 2020-12 keywords ($schema, $defs, $anchor, $ref, allOf/anyOf, if/then/else,
     * additionalProperties): the pending {@code json-schema-2020-12} scenario checks they are listed untouched.
     */
    private static ObjectNode jsonSchema202012() {
        ObjectNode schema = Json.object()
                .put("$schema", "https://json-schema.org/draft/2020-12/schema")
                .put("type", "object");
        ObjectNode address = schema.putObject("$defs")
                .putObject("address")
                .put("$anchor", "addressDef")
                .put("type", "object");
        ObjectNode addressProperties = address.putObject("properties");
        addressProperties.putObject("street").put("type", "string");
        addressProperties.putObject("city").put("type", "string");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("name").put("type", "string");
        properties.putObject("address").put("$ref", "#/$defs/address");
        properties.putObject("contactMethod").put("type", "string").set("enum", Json.array("phone", "email"));
        properties.putObject("phone").put("type", "string");
        properties.putObject("email").put("type", "string");
        ArrayNode anyOf = schema.putArray("allOf").addObject().putArray("anyOf");
        List.of("phone", "email").forEach(field -> anyOf.addObject().set("required", Json.array(field)));
        ObjectNode condition = schema.putObject("if");
        condition.putObject("properties").putObject("contactMethod").put("const", "phone");
        condition.set("required", Json.array("contactMethod"));
        schema.putObject("then").set("required", Json.array("phone"));
        schema.putObject("else").set("required", Json.array("email"));
        schema.put("additionalProperties", false);
        return schema;
    }
}
