package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.state.McpSession;

/**
 * What a session adds to each request it relays, in {@code params._meta}, as 2026-07-28 carries it on every
 * request: the client's capabilities (so that a stateless function asks only for input the client can give), the
 * logging level, and for a 2026-07-28 function the revision and the client's identity. The function gets the
 * client's own text with those members written into it where the text allows ({@link ClientMessage}); a request
 * whose {@code params} already holds a {@code _meta}, or is no object, is written anew from its tree.
 */
final class SessionMeta {
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
        ObjectNode meta = Json.object();
        addTo(meta, session);
        byte[] members = params == null
                ? Json.bytes(Json.object().set("params", Json.object().set("_meta", meta)))
                : Json.bytes(Json.object().set("_meta", meta));
        // the members without their object's braces, inside the params object or else the message itself
        boolean more = params == null ? !message.json().isEmpty() : !params.isEmpty();
        int at = (params == null ? 0 : message.paramsAt()) + 1;
        return spliced(message.text(), at, members, more);
    }

    /** @return {@code text} with {@code object}'s members (its braces dropped) inserted at {@code at} */
    private static byte[] spliced(byte[] text, int at, byte[] object, boolean commaAfter) {
        int inner = object.length - 2;
        byte[] out = new byte[text.length + inner + (commaAfter ? 1 : 0)];
        System.arraycopy(text, 0, out, 0, at);
        System.arraycopy(object, 1, out, at, inner);
        int rest = at + inner;
        if (commaAfter) {
            out[rest++] = ',';
        }
        System.arraycopy(text, at, out, rest, text.length - at);
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
