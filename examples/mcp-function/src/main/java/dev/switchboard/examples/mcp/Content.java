package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Content blocks and the result shapes built from them. */
final class Content {

    private Content() {}

    static ObjectNode text(String text) {
        return Json.object().put("type", "text").put("text", text);
    }

    static ObjectNode image(String base64, String mimeType) {
        return Json.object().put("type", "image").put("data", base64).put("mimeType", mimeType);
    }

    static ObjectNode audio(String base64, String mimeType) {
        return Json.object().put("type", "audio").put("data", base64).put("mimeType", mimeType);
    }

    /** An embedded text resource ({@code EmbeddedResource} with {@code TextResourceContents}). */
    static ObjectNode resource(String uri, String mimeType, String text) {
        ObjectNode block = Json.object().put("type", "resource");
        block.putObject("resource").put("uri", uri).put("mimeType", mimeType).put("text", text);
        return block;
    }

    /** A {@code CallToolResult}. */
    static ObjectNode toolResult(ObjectNode... blocks) {
        ObjectNode result = Json.object();
        ArrayNode content = result.putArray("content");
        for (ObjectNode block : blocks) {
            content.add(block);
        }
        return result;
    }

    static ObjectNode toolText(String text) {
        return toolResult(text(text));
    }

    /** A tool execution error: reported in the result, so that the model can read it and try again. */
    static ObjectNode toolError(String text) {
        return toolResult(text(text)).put("isError", true);
    }

    /** A {@code GetPromptResult} whose messages all come from the user. */
    static ObjectNode userMessages(ObjectNode... blocks) {
        ObjectNode result = Json.object();
        ArrayNode messages = result.putArray("messages");
        for (ObjectNode block : blocks) {
            messages.addObject().put("role", "user").set("content", block);
        }
        return result;
    }
}
