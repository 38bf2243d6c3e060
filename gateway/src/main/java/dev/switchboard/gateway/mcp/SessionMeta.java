package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.McpSession;
import java.nio.charset.StandardCharsets;

/**
 * What a session adds to each request it relays, in {@code params._meta}, as 2026-07-28 carries it on every
 * request: the client's capabilities (so that a stateless function asks only for input the client can give), the
 * logging level, and for a 2026-07-28 function the revision and the client's identity. The function gets the
 * client's own text with those members written into it where the text allows ({@link ClientMessage}); a request
 * whose {@code params} already holds a {@code _meta}, or is no object, is written anew from its tree.
 */
final class SessionMeta {
    private static final byte[] META_MEMBER = "\"_meta\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PARAMS_MEMBER = "\"params\":{\"_meta\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSE = {'}'};

    /**
     * Each session record's {@code _meta} object, encoded once: what it holds changes only with the record (a new
     * level, a new function session make a new one), and Jackson's fixed cost of writing a small tree was a
     * twentieth of an MCP call's Java time (bench/notes.md). Keys compare by identity and are held weakly: an entry
     * lasts as long as its record is in use, in the memory store or in a replica's renewal cache.
     */
    private static final Cache<McpSession, byte[]> ENCODED = Caffeine.newBuilder()
            .weakKeys()
            // upkeep on the calling thread: no shared pool woken for it
            .executor(Runnable::run)
            .build();

    private SessionMeta() {}

    /**
     * @param message a client's request
     * @param session its session; null for a stateless (2026-07-28) request, relayed as it is
     * @return the bytes the function gets
     */
    static byte[] body(ClientMessage message, McpSession session) {
        if (session == null || !adds(session)) {
            return message.text() != null ? message.text() : Json.bytes(message.json());
        }
        JsonNode params = message.json().get("params");
        if (message.text() == null || params != null && (!params.isObject() || params.has("_meta"))) {
            return Json.bytes(stamp(message.json(), session));
        }
        byte[] meta = ENCODED.get(session, SessionMeta::encoded);
        // one member, "_meta" inside the params object, or else "params" holding it inside the message itself
        boolean more = params == null ? !message.json().isEmpty() : !params.isEmpty();
        int at = (params == null ? 0 : message.paramsAt()) + 1;
        return params == null
                ? spliced(message.text(), at, more, PARAMS_MEMBER, meta, CLOSE)
                : spliced(message.text(), at, more, META_MEMBER, meta);
    }

    /** @return the session's {@code _meta} object as JSON */
    private static byte[] encoded(McpSession session) {
        ObjectNode meta = Json.object();
        addTo(meta, session);
        return Json.bytes(meta);
    }

    /** @return {@code text} with {@code parts} inserted at {@code at}, then a comma when {@code commaAfter} */
    private static byte[] spliced(byte[] text, int at, boolean commaAfter, byte[]... parts) {
        int inserted = commaAfter ? 1 : 0;
        for (byte[] part : parts) {
            inserted += part.length;
        }
        byte[] out = new byte[text.length + inserted];
        System.arraycopy(text, 0, out, 0, at);
        int next = at;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, next, part.length);
            next += part.length;
        }
        if (commaAfter) {
            out[next++] = ',';
        }
        System.arraycopy(text, at, out, next, text.length - at);
        return out;
    }

    /**
     * The same request as a tree, with the session's members in {@code params._meta}; a client's own
     * {@code clientCapabilities} there is kept.
     *
     * @param message a request
     * @param session its session
     * @return the request to send; {@code message} itself when the session adds nothing
     */
    static JsonNode stamp(JsonNode message, McpSession session) {
        if (!adds(session)) {
            return message;
        }
        // only the objects on the way to _meta are copied: the rest (a call's arguments) is shared, not changed
        ObjectNode copy = shallowCopy(message);
        ObjectNode params = shallowCopy(copy.get("params"));
        copy.set("params", params);
        ObjectNode meta = shallowCopy(params.get("_meta"));
        params.set("_meta", meta);
        addTo(meta, session);
        return copy;
    }

    private static boolean adds(McpSession session) {
        return session.logLevel() != null
                || hasCapabilities(session)
                || McpVersions.MODERN.equals(session.backendVersion());
    }

    private static boolean hasCapabilities(McpSession session) {
        return session.clientCapabilities() != null
                && session.clientCapabilities().isObject();
    }

    private static void addTo(ObjectNode meta, McpSession session) {
        if (session.logLevel() != null) {
            meta.put(McpMeta.LOG_LEVEL, session.logLevel());
        }
        if (!meta.has(McpMeta.CLIENT_CAPABILITIES)) {
            meta.set(
                    McpMeta.CLIENT_CAPABILITIES,
                    hasCapabilities(session) ? session.clientCapabilities() : Json.object());
        }
        if (McpVersions.MODERN.equals(session.backendVersion())) {
            // a 2026-07-28 function reads the revision and the client's identity from every request
            meta.put(McpMeta.PROTOCOL_VERSION, McpVersions.MODERN);
            if (session.clientInfo() != null && session.clientInfo().isObject()) {
                meta.set(McpMeta.CLIENT_INFO, session.clientInfo());
            }
        }
    }

    /** @return a new object with the same members (the same nodes), or an empty one when {@code node} is no object */
    private static ObjectNode shallowCopy(JsonNode node) {
        ObjectNode copy = Json.object();
        if (node != null && node.isObject()) {
            copy.setAll((ObjectNode) node);
        }
        return copy;
    }
}
