package dev.switchboard.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The official MCP Java SDK client (the version in the gateway's test dependencies) running the checks of
 * {@link InteropChecklist} against server-everything at a URL, in this JVM: the Java twin of
 * {@code testing/mcp-servers/interop-client.mjs}. Requests are the checklist's params turned into the SDK's typed
 * requests by the SDK's own JSON mapper; results are the SDK's records written back as JSON and masked.
 */
public final class JavaSdkClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a progress notification may trail its call's result (the SDK hands them over on other threads). */
    private static final Duration PROGRESS_GRACE = Duration.ofSeconds(2);

    private final InteropChecklist checklist;
    private final McpJsonMapper sdkJson = McpJsonDefaults.getMapper();
    private final List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
    private final List<String> updatedUris = new CopyOnWriteArrayList<>();
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private final ObjectNode outcome = JSON.createObjectNode();
    private McpSyncClient client;

    private JavaSdkClient(InteropChecklist checklist) {
        this.checklist = checklist;
    }

    /**
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @return each check's normalized outcome, as the TypeScript client prints it
     */
    public static JsonNode run(String url, String transport) {
        InteropChecklist checklist = InteropChecklist.load();
        List<String> all =
                checklist.checks().stream().map(c -> c.path("name").asText()).toList();
        return new JavaSdkClient(checklist).runSession(url, transport, session -> session.runNamed(all, ""));
    }

    /**
     * Runs the checklist's restart checks: {@code before:} ones, then {@code between} while the client waits
     * with its session open, then {@code after:} ones in the same session.
     *
     * @param url the MCP endpoint (Streamable HTTP) or the SSE endpoint (HTTP+SSE)
     * @param transport {@code streamable-http} or {@code sse}
     * @param between what happens while the client waits (a server restart)
     * @return each check's normalized outcome
     */
    public static JsonNode runAcross(String url, String transport, Runnable between) {
        InteropChecklist checklist = InteropChecklist.load();
        return new JavaSdkClient(checklist).runSession(url, transport, session -> {
            session.runNamed(names(checklist.restart().path("before")), "before:");
            between.run();
            session.runNamed(names(checklist.restart().path("after")), "after:");
        });
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    private JsonNode runSession(String url, String transport, java.util.function.Consumer<JavaSdkClient> checks) {
        client = build(transportFor(url, transport));
        try {
            try {
                McpSchema.InitializeResult initialized = client.initialize();
                outcome.putObject("connect")
                        .put("ok", true)
                        .put("server", initialized.serverInfo().name());
            } catch (RuntimeException e) {
                outcome.putObject("connect")
                        .put("ok", false)
                        .put("error", checklist.normalize(String.valueOf(e.getMessage())));
                return outcome;
            }
            checks.accept(this);
            return outcome;
        } finally {
            try {
                client.closeGracefully();
            } catch (RuntimeException e) {
                // the outcome is what matters
            }
        }
    }

    private void runNamed(List<String> names, String prefix) {
        for (String name : names) {
            JsonNode check = checklist.checks().stream()
                    .filter(c -> c.path("name").asText().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no check " + name));
            ObjectNode result = outcome.putObject(prefix + name);
            try {
                result.put("ok", true).set("value", checklist.normalize(toJson(run(check))));
            } catch (Exception e) {
                result.removeAll();
                result.put("ok", false).put("error", checklist.normalize(String.valueOf(e.getMessage())));
            }
        }
    }

    private static McpClientTransport transportFor(String url, String transport) {
        URI uri = URI.create(url);
        String base = uri.getScheme() + "://" + uri.getAuthority();
        if (transport.equals("sse")) {
            @SuppressWarnings("deprecation")
            McpClientTransport sse = HttpClientSseClientTransport.builder(base)
                    .sseEndpoint(uri.getPath())
                    .build();
            return sse;
        }
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(uri.getPath())
                .build();
    }

    private McpSyncClient build(McpClientTransport transport) {
        JsonNode answers = checklist.client();
        JsonNode sampling = answers.path("sampling");
        List<McpSchema.Root> roots = new ArrayList<>();
        answers.path("roots")
                .forEach(r -> roots.add(new McpSchema.Root(
                        r.path("uri").asText(), r.path("name").asText())));
        McpSchema.ElicitResult elicited = convert(answers.path("elicitation"), McpSchema.ElicitResult.class);
        return McpClient.sync(transport)
                .requestTimeout(checklist.checkTimeout())
                .clientInfo(new McpSchema.Implementation(
                        answers.path("name").asText(), answers.path("version").asText()))
                .capabilities(McpSchema.ClientCapabilities.builder()
                        .roots(true)
                        .sampling()
                        .elicitation()
                        .build())
                .roots(roots)
                .sampling(request -> sampled(sampling, request))
                .elicitation(request -> elicited)
                .loggingConsumer(logs::add)
                // the SDK reads an updated resource itself and hands over its contents
                .resourcesUpdateConsumer(contents -> contents.forEach(c -> updatedUris.add(c.uri())))
                .progressConsumer(progress::add)
                .build();
    }

    /** The checklist's sampling answer, its text the prefix and the first message's text, as the SDK's record. */
    private McpSchema.CreateMessageResult sampled(JsonNode sampling, McpSchema.CreateMessageRequest request) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("model", sampling.path("model").asText())
                .put("role", sampling.path("role").asText())
                .put("stopReason", sampling.path("stopReason").asText());
        answer.putObject("content")
                .put("type", "text")
                .put(
                        "text",
                        sampling.path("textPrefix").asText()
                                + ((McpSchema.TextContent)
                                                request.messages().getFirst().content())
                                        .text());
        return convert(answer, McpSchema.CreateMessageResult.class);
    }

    private Object run(JsonNode check) throws Exception {
        if (check.has("list")) {
            return list(check.path("list").asText(), check.path("key").asText());
        }
        if (check.has("scenario")) {
            return scenario(check.path("scenario").asText(), check.path("with"));
        }
        JsonNode params = check.path("params");
        return switch (check.path("method").asText()) {
            case "tools/call" ->
                check.path("progress").asBoolean()
                        ? callWithProgress(params)
                        : client.callTool(convert(params, McpSchema.CallToolRequest.class));
            case "prompts/get" -> client.getPrompt(convert(params, McpSchema.GetPromptRequest.class));
            case "completion/complete" -> client.completeCompletion(convert(params, McpSchema.CompleteRequest.class));
            case "resources/read" -> client.readResource(convert(params, McpSchema.ReadResourceRequest.class));
            default -> throw new IllegalArgumentException("no typed call for " + check.path("method"));
        };
    }

    private Object callWithProgress(JsonNode params) throws InterruptedException {
        McpSchema.CallToolRequest plain = convert(params, McpSchema.CallToolRequest.class);
        String token = "interop-" + plain.name();
        progress.clear();
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder(plain.name())
                .arguments(plain.arguments())
                .progressToken(token)
                .build());
        // the last notification was sent before the result, but may be handed to us just after it
        awaitAtMost(
                PROGRESS_GRACE, () -> progress.stream().anyMatch(p -> p.total() != null && p.progress() >= p.total()));
        List<Map<String, Object>> seen = progress.stream()
                .filter(p -> token.equals(p.progressToken()))
                .map(p -> Map.<String, Object>of("progress", p.progress(), "total", p.total()))
                .toList();
        return Map.of("progress", seen, "result", result);
    }

    private List<String> list(String kind, String key) throws IOException {
        List<Object> items = new ArrayList<>();
        String cursor = null;
        do {
            switch (kind) {
                case "tools" -> {
                    McpSchema.ListToolsResult page = client.listTools(cursor);
                    items.addAll(page.tools());
                    cursor = page.nextCursor();
                }
                case "resources" -> {
                    McpSchema.ListResourcesResult page = client.listResources(cursor);
                    items.addAll(page.resources());
                    cursor = page.nextCursor();
                }
                case "resourceTemplates" -> {
                    McpSchema.ListResourceTemplatesResult page = client.listResourceTemplates(cursor);
                    items.addAll(page.resourceTemplates());
                    cursor = page.nextCursor();
                }
                case "prompts" -> {
                    McpSchema.ListPromptsResult page = client.listPrompts(cursor);
                    items.addAll(page.prompts());
                    cursor = page.nextCursor();
                }
                default -> throw new IllegalArgumentException("no list " + kind);
            }
        } while (cursor != null);
        List<String> keys = new ArrayList<>();
        for (Object item : items) {
            keys.add(JSON.readTree(sdkJson.writeValueAsString(item)).path(key).asText());
        }
        return keys.stream().sorted().toList();
    }

    private Object scenario(String name, JsonNode with) throws InterruptedException {
        return switch (name) {
            case "logging" -> logging(with);
            case "subscription" -> subscription(with);
            case "read-first-listed-resource" ->
                client.readResource(new McpSchema.ReadResourceRequest(
                        client.listResources().resources().getFirst().uri()));
            default -> throw new IllegalArgumentException("no scenario " + name);
        };
    }

    /**
     * The server sends one message of a random level at once when logging starts, then one every 5 s: at the
     * quiet level nothing below it may arrive; at the loud level the first message must.
     */
    private Object logging(JsonNode with) throws InterruptedException {
        String quiet = with.path("quietLevel").asText();
        client.setLoggingLevel(level(quiet));
        logs.clear();
        McpSchema.CallToolResult started = toggle(with);
        Thread.sleep(with.path("quietWaitMs").asLong());
        List<String> belowLevel = logs.stream()
                .map(l -> levelName(l.level()))
                .filter(l -> !l.equals(quiet))
                .toList();
        McpSchema.CallToolResult stopped = toggle(with);
        client.setLoggingLevel(level(with.path("loudLevel").asText()));
        logs.clear();
        toggle(with);
        awaitOrFail(() -> !logs.isEmpty(), "a log message");
        toggle(with);
        return Map.of(
                "started", started, "stopped", stopped, "belowLevel", belowLevel, "receivedAtDebug", !logs.isEmpty());
    }

    private Object subscription(JsonNode with) throws InterruptedException {
        String uri = with.path("uri").asText();
        client.subscribeResource(new McpSchema.SubscribeRequest(uri));
        McpSchema.CallToolResult started = toggle(with);
        awaitOrFail(() -> !updatedUris.isEmpty(), "a resource update");
        McpSchema.CallToolResult stopped = toggle(with);
        client.unsubscribeResource(new McpSchema.UnsubscribeRequest(uri));
        return Map.of("started", started, "stopped", stopped, "uris", List.copyOf(new TreeSet<>(updatedUris)));
    }

    private McpSchema.CallToolResult toggle(JsonNode with) {
        return client.callTool(new McpSchema.CallToolRequest(with.path("tool").asText(), Map.of()));
    }

    private static McpSchema.LoggingLevel level(String name) {
        return McpSchema.LoggingLevel.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    private static String levelName(McpSchema.LoggingLevel level) {
        return level.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void awaitOrFail(BooleanSupplier condition, String what) throws InterruptedException {
        if (!awaitAtMost(checklist.checkTimeout(), condition)) {
            throw new IllegalStateException("timed out waiting for " + what);
        }
    }

    private static boolean awaitAtMost(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** The checklist's JSON as the SDK's typed record, read by the SDK's own mapper. */
    private <T> T convert(JsonNode json, Class<T> type) {
        try {
            return sdkJson.readValue(json.toString(), type);
        } catch (IOException e) {
            throw new IllegalArgumentException("the SDK cannot read " + json + " as " + type.getSimpleName(), e);
        }
    }

    /** Records and maps as the SDK writes them on the wire, in this project's JSON tree. */
    private static JsonNode toJson(Object value) throws IOException {
        return JSON.readTree(McpJsonDefaults.getMapper().writeValueAsString(value));
    }
}
