package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;

/**
 * Turns one JSON-RPC message into its response: classifies it, routes requests by method, and dresses 2026-07-28
 * results the way that revision requires. Knows nothing of HTTP beyond the headers it validates.
 */
final class McpDispatcher {

    /** One message's answer: the JSON-RPC response and the HTTP status it goes out with. */
    record Reply(int status, ObjectNode body) {}

    /** Methods of the initialize era that 2026-07-28 removed: a modern request for them gets 404 / -32601. */
    private static final Set<String> LEGACY_ONLY =
            Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe");
    /** Results that carry caching hints in 2026-07-28 ({@code CacheableResult}). */
    private static final Set<String> LISTS =
            Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list");

    private static final System.Logger LOG = System.getLogger(McpDispatcher.class.getName());

    private final ToolRegistry tools;
    private final ResourceRegistry resources;
    private final PromptRegistry prompts;
    private final Completions completions;
    private final RequestStateSigner signer;
    private final Clock clock;
    private final boolean pushes;

    McpDispatcher(RequestStateSigner signer, Clock clock) {
        this(signer, clock, Pusher.NONE);
    }

    McpDispatcher(RequestStateSigner signer, Clock clock, Pusher pusher) {
        this.signer = signer;
        this.clock = clock;
        this.pushes = pusher.configured();
        this.tools = new ToolRegistry();
        ContentTools.register(tools);
        InteractiveTools.register(tools);
        this.resources = new ResourceRegistry();
        PushTools.register(tools, resources, pusher);
        this.prompts = new PromptRegistry();
        ConformancePrompts.register(prompts, resources);
        this.completions = new Completions(prompts);
    }

    /**
     * @return the reply, or null for a message that gets none (a notification, or a response to a server request:
     *         the transport answers 202)
     */
    Reply process(JsonNode message, Headers headers, Notifier notifier) throws InterruptedException {
        if (!message.isObject() || !"2.0".equals(Json.text(message, "jsonrpc", null))) {
            return invalid(message, "Not a JSON-RPC 2.0 message");
        }
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (method == null) {
            return id != null && (message.has("result") || message.has("error"))
                    ? null
                    : invalid(message, "A message needs a method, or a result or error");
        }
        if (!method.isTextual()) {
            return invalid(message, "method must be a string");
        }
        if (id == null) {
            return null; // a notification: nothing here needs initialized, cancelled or roots/list_changed
        }
        if (!JsonRpc.isValidId(id)) {
            return invalid(message, "id must be a string or an integer");
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isObject()) {
            return new Reply(200, JsonRpc.error(id, McpException.invalidParams("params must be an object")));
        }
        try {
            RequestContext ctx = RequestContext.of(
                    id, method.asText(), params == null ? Json.object() : (ObjectNode) params, headers, notifier);
            ObjectNode result = route(ctx);
            return new Reply(200, JsonRpc.result(id, result));
        } catch (McpException e) {
            return new Reply(e.httpStatus(), JsonRpc.error(id, e));
        } catch (UncheckedIOException e) {
            throw e; // the client went away mid-stream: nobody to answer
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + id + " (" + method.asText() + ") failed", e);
            return new Reply(500, JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "Internal error", null));
        }
    }

    private ObjectNode route(RequestContext ctx) throws InterruptedException {
        String method = ctx.method();
        if (ctx.modern() && LEGACY_ONLY.contains(method)) {
            throw McpException.methodNotFound(method, true);
        }
        ObjectNode params = ctx.params();
        return switch (method) {
            case "initialize" -> ServerInfo.initializeResult(params, pushes);
            case "server/discover" -> ServerInfo.discoverResult(pushes);
            case "ping", "resources/unsubscribe" -> Json.object();
            case "logging/setLevel" -> {
                LogLevel.parse(Json.text(params, "level", "")); // checked, not kept: the gateway keeps it
                yield Json.object();
            }
            case "resources/subscribe" -> {
                resources.find(requireString(params, "uri"));
                yield Json.object();
            }
            case "tools/list" -> cacheable(ctx, tools.list(), ServerInfo.LIST_TTL_MS);
            case "tools/call" -> callTool(ctx);
            case "resources/list" -> cacheable(ctx, resources.list(), ServerInfo.LIST_TTL_MS);
            case "resources/templates/list" -> cacheable(ctx, resources.templates(), ServerInfo.LIST_TTL_MS);
            case "resources/read" -> {
                ResourceRegistry.Read read = resources.read(requireString(params, "uri"));
                yield cacheable(ctx, read.result(), read.ttlMs());
            }
            case "prompts/list" -> cacheable(ctx, prompts.list(), ServerInfo.LIST_TTL_MS);
            case "prompts/get" -> getPrompt(ctx);
            case "completion/complete" -> modern(ctx, completions.complete(params));
            default -> throw McpException.methodNotFound(method, ctx.modern());
        };
    }

    private ObjectNode callTool(RequestContext ctx) throws InterruptedException {
        ToolRegistry.Tool tool = tools.find(requireString(ctx.params(), "name"));
        ObjectNode arguments = arguments(ctx.params());
        Interaction interaction = Interaction.open(ctx, signer, clock, tool.name(), arguments);
        return modern(ctx, tools.call(tool, new Invocation(ctx, tool.name(), arguments, interaction)));
    }

    private ObjectNode getPrompt(RequestContext ctx) {
        PromptRegistry.Prompt prompt = prompts.find(requireString(ctx.params(), "name"));
        ObjectNode arguments = arguments(ctx.params());
        Interaction interaction = Interaction.open(ctx, signer, clock, prompt.name(), arguments);
        return modern(ctx, prompts.get(prompt, new Invocation(ctx, prompt.name(), arguments, interaction)));
    }

    /** 2026-07-28 list and read results carry {@code ttlMs} and {@code cacheScope}; nothing here is per user. */
    private static ObjectNode cacheable(RequestContext ctx, ObjectNode result, long ttlMs) {
        if (ctx.modern()) {
            result.put("ttlMs", ttlMs).put("cacheScope", "public");
        }
        return modern(ctx, result);
    }

    /**
     * A 2026-07-28 result says what it is ({@code resultType}, MUST) and who answered (serverInfo, SHOULD). Legacy
     * results stay as they were; an {@code input_required} one already names its type.
     */
    private static ObjectNode modern(RequestContext ctx, ObjectNode result) {
        if (ctx.modern()) {
            if (!result.has("resultType")) {
                result.put("resultType", "complete");
            }
            ObjectNode meta = result.has("_meta") ? (ObjectNode) result.get("_meta") : result.putObject("_meta");
            meta.set(RequestContext.META_SERVER_INFO, ServerInfo.implementation());
        }
        return result;
    }

    private static ObjectNode arguments(ObjectNode params) {
        JsonNode arguments = params.get("arguments");
        if (arguments == null || arguments.isNull()) {
            return Json.object();
        }
        if (!(arguments instanceof ObjectNode object)) {
            throw McpException.invalidParams("arguments must be an object");
        }
        return object;
    }

    private static String requireString(ObjectNode params, String field) {
        String value = Json.text(params, field, null);
        if (value == null) {
            throw McpException.invalidParams("params." + field + " is required");
        }
        return value;
    }

    private static Reply invalid(JsonNode message, String why) {
        JsonNode id = message.isObject() && JsonRpc.isValidId(message.get("id")) ? message.get("id") : null;
        return new Reply(400, JsonRpc.error(id, JsonRpc.INVALID_REQUEST, why, null));
    }
}
