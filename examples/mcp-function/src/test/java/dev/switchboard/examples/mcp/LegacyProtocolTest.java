package dev.switchboard.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The initialize-era requests, as a legacy client (or the gateway on its behalf) sends them. */
class LegacyProtocolTest extends FunctionTestSupport {

    @Test
    void initializeAnswersTheRequestedVersionAndNoSession() {
        McpTestClient.Response response = client.request(
                "initialize",
                params(
                        "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = response.result();
        assertThat(result.path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(result.path("serverInfo"))
                .isEqualTo(McpTestClient.json("{\"name\":\"switchboard-mcp-example\",\"version\":\"0.1.0\"}"));
        assertThat(result.path("capabilities")).isEqualTo(McpTestClient.json("""
                {"tools":{"listChanged":false},"resources":{"subscribe":true,"listChanged":false},
                 "prompts":{"listChanged":false},"logging":{},"completions":{}}"""));
        assertThat(result.has("resultType"))
                .as("legacy results stay as they were")
                .isFalse();
    }

    @Test
    void initializeWithAnUnknownVersionGetsTheLatestLegacyOne() {
        for (String requested : List.of("1999-01-01", "2026-07-28")) {
            JsonNode result = client.request("initialize", params("{\"protocolVersion\":\"" + requested + "\"}"))
                    .result();
            assertThat(result.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        }
        for (String supported : List.of("2025-11-25", "2025-03-26", "2024-11-05")) {
            JsonNode result = client.request("initialize", params("{\"protocolVersion\":\"" + supported + "\"}"))
                    .result();
            assertThat(result.path("protocolVersion").asText()).isEqualTo(supported);
        }
    }

    @Test
    void sessionMethodsAnswerEmptyResults() {
        assertThat(client.request("ping", null).result()).isEmpty();
        assertThat(client.request("logging/setLevel", params("{\"level\":\"debug\"}"))
                        .result())
                .isEmpty();
        assertThat(client.request("resources/subscribe", params("{\"uri\":\"test://watched-resource\"}"))
                        .result())
                .isEmpty();
        assertThat(client.request("resources/unsubscribe", params("{\"uri\":\"test://watched-resource\"}"))
                        .result())
                .isEmpty();
        assertThat(client.request("logging/setLevel", params("{\"level\":\"loud\"}"))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
    }

    @Test
    void toolsListNamesEveryConformanceTool() {
        JsonNode tools = client.request("tools/list", null).result().path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(tool -> {
            names.add(tool.path("name").asText());
            assertThat(tool.path("name").asText()).matches("^[A-Za-z0-9_./-]{1,64}$");
            assertThat(tool.path("description").asText()).isNotBlank();
            assertThat(tool.path("inputSchema").path("type").asText()).isEqualTo("object");
        });
        assertThat(names)
                .contains(
                        "test_simple_text",
                        "test_image_content",
                        "test_audio_content",
                        "test_embedded_resource",
                        "test_multiple_content_types",
                        "test_tool_with_logging",
                        "test_error_handling",
                        "test_tool_with_progress",
                        "test_sampling",
                        "test_elicitation",
                        "test_elicitation_sep1034_defaults",
                        "test_elicitation_sep1330_enums",
                        "test_missing_capability",
                        "test_input_required_result_elicitation",
                        "test_input_required_result_sampling",
                        "test_input_required_result_list_roots",
                        "test_input_required_result_request_state",
                        "test_input_required_result_multiple_inputs",
                        "test_input_required_result_multi_round",
                        "test_input_required_result_tampered_state",
                        "test_input_required_result_capabilities");
    }

    @Test
    void simpleToolsAnswerTheExactContent() throws IOException {
        assertThat(call("test_simple_text").path("content"))
                .isEqualTo(McpTestClient.MAPPER.readTree(
                        "[{\"type\":\"text\",\"text\":\"This is a simple text response for testing.\"}]"));

        JsonNode image = call("test_image_content").path("content").path(0);
        assertThat(image.path("type").asText()).isEqualTo("image");
        assertThat(image.path("mimeType").asText()).isEqualTo("image/png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(image.path("data").asText())));
        assertThat(png.getWidth()).isEqualTo(1);
        assertThat(png.getHeight()).isEqualTo(1);

        JsonNode audio = call("test_audio_content").path("content").path(0);
        assertThat(audio.path("type").asText()).isEqualTo("audio");
        assertThat(audio.path("mimeType").asText()).isEqualTo("audio/wav");
        byte[] wav = Base64.getDecoder().decode(audio.path("data").asText());
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");

        assertThat(call("test_embedded_resource").path("content").path(0)).isEqualTo(McpTestClient.json("""
                {"type":"resource","resource":{"uri":"test://embedded-resource","mimeType":"text/plain",
                 "text":"This is an embedded resource content."}}"""));

        JsonNode mixed = call("test_multiple_content_types").path("content");
        assertThat(mixed).hasSize(3);
        assertThat(mixed.path(0))
                .isEqualTo(McpTestClient.json("{\"type\":\"text\",\"text\":\"Multiple content types test:\"}"));
        assertThat(mixed.path(1).path("mimeType").asText()).isEqualTo("image/png");
        assertThat(mixed.path(2).path("resource")).isEqualTo(McpTestClient.json("""
                {"uri":"test://mixed-content-resource","mimeType":"application/json",
                 "text":"{\\"test\\":\\"data\\",\\"value\\":123}"}"""));

        JsonNode error = call("test_error_handling");
        assertThat(error.path("isError").asBoolean()).isTrue();
        assertThat(text(error)).isEqualTo("This tool intentionally returns an error for testing");
    }

    @Test
    void unknownToolsAndMethodsAreProtocolErrors() {
        McpTestClient.Response tool = client.request("tools/call", callParams("no_such_tool", "{}"));
        assertThat(tool.status()).isEqualTo(200);
        assertThat(tool.error().path("code").asInt()).isEqualTo(-32602);

        McpTestClient.Response method = client.request("no/such/method", null);
        assertThat(method.status()).as("legacy: the error travels in a 200").isEqualTo(200);
        assertThat(method.error().path("code").asInt()).isEqualTo(-32601);

        JsonNode missingArgument =
                client.request("tools/call", callParams("test_sampling", "{}")).result();
        assertThat(missingArgument.path("isError").asBoolean())
                .as("input validation is a tool error")
                .isTrue();
    }

    @Test
    void resourcesListAndRead() {
        JsonNode resources = client.request("resources/list", null).result().path("resources");
        assertThat(resources.findValuesAsText("uri"))
                .containsExactly(
                        "test://static-text", "test://static-binary", "test://watched-resource", "test://counter");
        resources.forEach(r -> assertThat(r.path("name").asText()).isNotBlank());

        assertThat(read("test://static-text")).isEqualTo(McpTestClient.json("""
                {"uri":"test://static-text","mimeType":"text/plain",
                 "text":"This is the content of the static text resource."}"""));
        JsonNode binary = read("test://static-binary");
        assertThat(binary.path("mimeType").asText()).isEqualTo("image/png");
        assertThat(binary.path("blob").asText()).isEqualTo(Fixtures.PNG_1X1);

        JsonNode templates =
                client.request("resources/templates/list", null).result().path("resourceTemplates");
        assertThat(templates.path(0).path("uriTemplate").asText()).isEqualTo("test://template/{id}/data");
        JsonNode templated = read("test://template/123/data");
        assertThat(templated.path("uri").asText()).isEqualTo("test://template/123/data");
        assertThat(templated.path("mimeType").asText()).isEqualTo("application/json");
        assertThat(templated.path("text").asText())
                .isEqualTo("{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}");

        JsonNode missing = client.request("resources/read", params("{\"uri\":\"test://nope\"}"))
                .error();
        assertThat(missing.path("code").asInt()).isEqualTo(-32602);
        assertThat(missing.path("data").path("uri").asText()).isEqualTo("test://nope");
    }

    @Test
    void promptsListAndGet() {
        JsonNode prompts = client.request("prompts/list", null).result().path("prompts");
        assertThat(prompts.findValuesAsText("name"))
                .contains(
                        "test_simple_prompt",
                        "test_prompt_with_arguments",
                        "test_prompt_with_embedded_resource",
                        "test_prompt_with_image");

        assertThat(prompt("test_simple_prompt", "{}").path(0))
                .isEqualTo(
                        McpTestClient.json(
                                "{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"This is a simple prompt for testing.\"}}"));
        assertThat(prompt("test_prompt_with_arguments", "{\"arg1\":\"hello\",\"arg2\":\"world\"}")
                        .path(0)
                        .path("content")
                        .path("text")
                        .asText())
                .isEqualTo("Prompt with arguments: arg1='hello', arg2='world'");

        JsonNode embedded = prompt("test_prompt_with_embedded_resource", "{\"resourceUri\":\"test://example\"}");
        assertThat(embedded.path(0).path("content")).isEqualTo(McpTestClient.json("""
                {"type":"resource","resource":{"uri":"test://example","mimeType":"text/plain",
                 "text":"Embedded resource content for testing."}}"""));
        assertThat(embedded.path(1).path("content").path("text").asText())
                .isEqualTo("Please process the embedded resource above.");

        JsonNode image = prompt("test_prompt_with_image", "{}");
        assertThat(image.path(0).path("content").path("type").asText()).isEqualTo("image");
        assertThat(image.path(0).path("content").path("mimeType").asText()).isEqualTo("image/png");
        assertThat(image.path(1).path("content").path("text").asText()).isEqualTo("Please analyze the image above.");

        assertThat(client.request("prompts/get", params("{\"name\":\"test_prompt_with_arguments\",\"arguments\":{}}"))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
        assertThat(client.request("prompts/get", params("{\"name\":\"nope\"}"))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
    }

    @Test
    void completionCompletesPromptArgumentsAndTemplateVariables() {
        JsonNode completion =
                client.request("completion/complete", params("""
                {"ref":{"type":"ref/prompt","name":"test_prompt_with_arguments"},
                 "argument":{"name":"arg1","value":"h"}}""")).result().path("completion");
        assertThat(completion.path("values")).isEqualTo(McpTestClient.MAPPER.valueToTree(List.of("hello", "howdy")));
        assertThat(completion.path("hasMore").asBoolean()).isFalse();

        JsonNode ids = client.request("completion/complete", params("""
                {"ref":{"type":"ref/resource","uri":"test://template/{id}/data"},
                 "argument":{"name":"id","value":""}}"""))
                .result()
                .path("completion")
                .path("values");
        assertThat(ids.size()).isPositive();

        assertThat(client.request("completion/complete", params("""
                {"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"x","value":""}}"""))
                        .error()
                        .path("code")
                        .asInt())
                .isEqualTo(-32602);
    }

    private static JsonNode call(String tool) {
        return client.request("tools/call", callParams(tool, "{}")).result();
    }

    private static JsonNode read(String uri) {
        JsonNode contents = client.request("resources/read", params("{\"uri\":\"" + uri + "\"}"))
                .result()
                .path("contents");
        assertThat(contents).hasSize(1);
        return contents.path(0);
    }

    private static JsonNode prompt(String name, String arguments) {
        return client.request("prompts/get", params("{\"name\":\"" + name + "\",\"arguments\":" + arguments + "}"))
                .result()
                .path("messages");
    }
}
