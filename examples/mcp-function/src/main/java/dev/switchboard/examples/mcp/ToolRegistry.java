package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tools, in listing order, and the checks every call goes through before a tool runs. */
final class ToolRegistry {

    /** A tool's code. May sleep (the logging and progress tools space their notifications). */
    @FunctionalInterface
    interface Handler {
        ObjectNode call(Invocation call) throws InterruptedException;
    }

    record Tool(String name, String description, ObjectNode inputSchema, Handler handler) {}

    private final Map<String, Tool> tools = new LinkedHashMap<>();

    synchronized ToolRegistry add(String name, String description, ObjectNode inputSchema, Handler handler) {
        if (tools.putIfAbsent(name, new Tool(name, description, inputSchema, handler)) != null) {
            throw new IllegalArgumentException("duplicate tool " + name);
        }
        return this;
    }

    /** @return whether the tool was listed (tools may come and go: see {@link PushTools}) */
    synchronized boolean remove(String name) {
        return tools.remove(name) != null;
    }

    synchronized ObjectNode list() {
        ObjectNode result = Json.object();
        ArrayNode list = result.putArray("tools");
        tools.values().forEach(tool -> {
            ObjectNode entry = list.addObject().put("name", tool.name()).put("description", tool.description());
            entry.set("inputSchema", tool.inputSchema());
        });
        return result;
    }

    synchronized Tool find(String name) {
        Tool tool = tools.get(name);
        if (tool == null) {
            throw McpException.invalidParams("Unknown tool: " + name);
        }
        return tool;
    }

    /**
     * Runs a tool. An unknown tool is a protocol error (-32602); a missing or mistyped required argument is a tool
     * execution error ({@code isError}), which the tools page files under input validation.
     */
    ObjectNode call(Tool tool, Invocation call) throws InterruptedException {
        for (JsonNode required : tool.inputSchema().path("required")) {
            String argument = required.asText();
            String type = tool.inputSchema()
                    .path("properties")
                    .path(argument)
                    .path("type")
                    .asText("");
            JsonNode value = call.arguments().get(argument);
            if (value == null || value.isNull()) {
                return Content.toolError("Missing required argument '" + argument + "'");
            }
            if (type.equals("string") && !value.isTextual()) {
                return Content.toolError("Argument '" + argument + "' must be a string");
            }
        }
        return tool.handler().call(call);
    }

    /** {@code {"type":"object","properties":{}}}: a tool without arguments. */
    static ObjectNode noArguments() {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties");
        return schema;
    }

    /** An object schema of required string arguments, each given as name, description pairs. */
    static ObjectNode stringArguments(String... namesAndDescriptions) {
        ObjectNode schema = noArguments();
        ArrayNode required = schema.putArray("required");
        for (int i = 0; i < namesAndDescriptions.length; i += 2) {
            ((ObjectNode) schema.get("properties"))
                    .putObject(namesAndDescriptions[i])
                    .put("type", "string")
                    .put("description", namesAndDescriptions[i + 1]);
            required.add(namesAndDescriptions[i]);
        }
        return schema;
    }
}
