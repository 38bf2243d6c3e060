package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

/**
 * Everything one request carries besides its method-specific params, read once: the revision it speaks, the
 * client capabilities, log level and progress token from {@code params._meta}, the caller's identity, and where
 * its notifications go. Nothing here outlives the request.
 *
 * @param capabilities the declared {@code ClientCapabilities}, or null when the request does not say (a legacy
 *                     caller that is not behind the gateway; the gateway puts the session's capabilities here)
 * @param logLevel     the threshold for {@code notifications/message}, or null: then none are sent (2026-07-28 rule,
 *                     and the gateway passes a legacy session's level the same way)
 * @param principal    the {@code X-Client-ID} the gateway forwards, or null; it is bound into requestState
 */
record RequestContext(
        JsonNode id,
        String method,
        ObjectNode params,
        boolean modern,
        ObjectNode capabilities,
        LogLevel logLevel,
        JsonNode progressToken,
        String principal,
        Notifier notifier) {

    static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    private static final String LOGGER = ServerInfo.NAME;

    /**
     * Reads a request and, for a 2026-07-28 one, enforces that revision's per-request rules (digest 1.4) in the
     * reference server's order: version header present, {@code _meta} fields, header agreement, version.
     *
     * <p>A request is modern when its {@code _meta} names a protocol version, or when its
     * {@code MCP-Protocol-Version} header names anything but a legacy revision. A modern request must also carry
     * the standard headers ({@code MCP-Protocol-Version}, {@code Mcp-Method}, and {@code Mcp-Name} for a named
     * request) and they must agree with the body: whatever routes on the headers in front of the function then
     * sees what the function executes. The gateway sends them when it relays to a 2026-07-28 function.
     */
    static RequestContext of(JsonNode id, String method, ObjectNode params, Headers headers, Notifier notifier) {
        JsonNode meta = params.path("_meta");
        String metaVersion = Json.text(meta, META_PROTOCOL_VERSION, null);
        String headerVersion = headers.getFirst("MCP-Protocol-Version");
        boolean modern =
                metaVersion != null || (headerVersion != null && !ServerInfo.LEGACY_VERSIONS.contains(headerVersion));
        JsonNode capabilities = meta.get(META_CLIENT_CAPABILITIES);
        if (modern) {
            if (headerVersion == null) {
                throw McpException.headerMismatch("Missing MCP-Protocol-Version header");
            }
            if (metaVersion == null) {
                throw McpException.badMeta("Missing _meta field " + META_PROTOCOL_VERSION);
            }
            if (capabilities == null || !capabilities.isObject()) {
                throw McpException.badMeta("Missing _meta field " + META_CLIENT_CAPABILITIES);
            }
            if (!headerVersion.equals(metaVersion)) {
                throw McpException.headerMismatch("MCP-Protocol-Version header '" + headerVersion
                        + "' does not match _meta protocolVersion '" + metaVersion + "'");
            }
            if (!ServerInfo.MODERN_VERSION.equals(metaVersion)) {
                throw McpException.unsupportedVersion(metaVersion);
            }
            checkHeader(headers, "Mcp-Method", method);
            String name = Json.text(params, "name", Json.text(params, "uri", null));
            if (name != null && hasName(method)) {
                checkHeader(headers, "Mcp-Name", name);
            }
        }
        JsonNode level = meta.get(META_LOG_LEVEL);
        if (level != null && !level.isTextual()) {
            throw McpException.invalidParams("_meta " + META_LOG_LEVEL + " must be a string");
        }
        JsonNode token = meta.get("progressToken");
        return new RequestContext(
                id,
                method,
                params,
                modern,
                capabilities instanceof ObjectNode object ? object : null,
                level == null ? null : LogLevel.parse(level.asText()),
                token != null && (token.isTextual() || token.isIntegralNumber()) ? token : null,
                headers.getFirst("X-Client-ID"),
                notifier);
    }

    private static boolean hasName(String method) {
        return method.equals("tools/call") || method.equals("prompts/get") || method.equals("resources/read");
    }

    private static void checkHeader(Headers headers, String header, String bodyValue) {
        String value = headers.getFirst(header);
        if (value == null) {
            throw McpException.headerMismatch("Missing " + header + " header");
        }
        if (!bodyValue.equals(decodeHeaderValue(value))) {
            throw McpException.headerMismatch(
                    header + " header value '" + value + "' does not match body value '" + bodyValue + "'");
        }
    }

    /** Values that are not plain ASCII travel as {@code =?base64?...?=} (streamable-http.mdx "Value Encoding"). */
    static String decodeHeaderValue(String value) {
        if (value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11) {
            try {
                return new String(
                        Base64.getDecoder().decode(value.substring(9, value.length() - 2)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw McpException.headerMismatch("Malformed base64 header value");
            }
        }
        return value;
    }

    /**
     * Fails with -32021 unless the client declared every capability named; a request that declares nothing at
     * all (capabilities null) is not checked, because its caller (the gateway's bridge) checks them itself.
     */
    void requireCapabilities(Collection<String> names) {
        if (capabilities == null) {
            return;
        }
        ObjectNode missing = Json.object();
        for (String name : names) {
            if (!capabilities.has(name)) {
                missing.putObject(name);
            }
        }
        if (!missing.isEmpty()) {
            throw McpException.missingCapabilities(missing);
        }
    }

    /** Whether the client declared a capability; unknown (no capabilities at all) counts as declared. */
    boolean declares(String capability) {
        return capabilities == null || capabilities.has(capability);
    }

    /** Sends {@code notifications/message} if the request asked for logs at this level or below. */
    void log(LogLevel level, String data) {
        if (logLevel == null || !level.passes(logLevel)) {
            return;
        }
        ObjectNode params = Json.object()
                .put("level", level.wireName())
                .put("logger", LOGGER)
                .put("data", data);
        notifier.send(JsonRpc.notification("notifications/message", params));
    }

    /** Sends {@code notifications/progress} if the request carried a progress token. */
    void progress(long progress, long total, String message) {
        if (progressToken == null) {
            return;
        }
        ObjectNode params = Json.object();
        params.set("progressToken", progressToken);
        params.put("progress", progress).put("total", total).put("message", message);
        notifier.send(JsonRpc.notification("notifications/progress", params));
    }
}
