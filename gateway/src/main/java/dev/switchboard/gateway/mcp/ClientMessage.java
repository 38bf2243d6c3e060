package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.registry.JsonMapper;
import java.io.IOException;

/**
 * A client's JSON-RPC message as read from its POST: the tree the gateway routes on, and the client's own text
 * where the function may get that text rather than the tree written again ({@link SessionMeta#body}). The text is
 * kept when it holds one JSON object and nothing after it, in UTF-8 without a byte order mark (first byte
 * {@code {}, second not zero), as {@link VerbatimJson} keeps a function's; with it, where its {@code params} object
 * begins, so that the session's {@code _meta} can be written into it.
 *
 * @param json     the message (an object, an array for a batch, or what the caller refuses)
 * @param text     its text, or null when the message must be written anew for the function
 * @param paramsAt where in {@code text} the {@code {} of an object {@code params} is; -1 when there is none
 */
record ClientMessage(JsonNode json, byte[] text, int paramsAt) {
    /**
     * @param json a message the gateway made (a batch's element, a retry with the client's input)
     * @return it, to be written anew
     */
    static ClientMessage of(JsonNode json) {
        return new ClientMessage(json, null, -1);
    }

    /**
     * Reads as {@link JsonMapper#readWhole} does (it is that call: the same refusals, what follows the value
     * included) and keeps the text where it may be passed on, found by one scan of the text's top level.
     *
     * @param mapper the request bodies' mapper (its bounds)
     * @param text   the POST's body
     * @return the message; its json is null for an empty body
     * @throws IOException when the text is no JSON, breaks a bound, or has something after its value
     */
    static ClientMessage read(ObjectMapper mapper, byte[] text) throws IOException {
        JsonNode json = JsonMapper.readWhole(mapper, text);
        if (json == null || !json.isObject() || !VerbatimJson.isPlainUtf8Object(text)) {
            return of(json);
        }
        int paramsAt = TopLevel.scan(text);
        JsonNode params = json.get("params");
        // a params key written with escapes is not found by its bytes: the tree is written anew then
        boolean found = params == null || !params.isObject() || paramsAt >= 0;
        return found ? new ClientMessage(json, text, paramsAt) : of(json);
    }

    /**
     * The top level of an object's text that the whole-body reader accepted (nothing but whitespace follows it):
     * where the {@code {} of a member {@code "params"} is. A string is skipped to its closing quote (escapes
     * included), so braces in strings do not count; a string at the first level followed by {@code :} is a key.
     */
    private static final class TopLevel {
        private static final byte[] PARAMS = {'"', 'p', 'a', 'r', 'a', 'm', 's', '"'};

        static int scan(byte[] text) {
            int paramsAt = -1;
            int depth = 0;
            for (int i = 0; i < text.length; i++) {
                byte b = text[i];
                if (b == '"') {
                    int start = i;
                    i = closingQuote(text, i);
                    if (depth == 1 && paramsAt < 0 && i - start + 1 == PARAMS.length && isParams(text, start)) {
                        int colon = afterSpace(text, i + 1);
                        int value = colon < text.length && text[colon] == ':' ? afterSpace(text, colon + 1) : -1;
                        if (value > 0 && value < text.length && text[value] == '{') {
                            paramsAt = value;
                        }
                    }
                } else if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    if (--depth == 0) {
                        break;
                    }
                }
            }
            return paramsAt;
        }

        private static boolean isParams(byte[] text, int at) {
            return java.util.Arrays.equals(text, at, at + PARAMS.length, PARAMS, 0, PARAMS.length);
        }

        private static int closingQuote(byte[] text, int open) {
            int i = open + 1;
            while (i < text.length && text[i] != '"') {
                i += text[i] == '\\' ? 2 : 1;
            }
            return i;
        }

        private static int afterSpace(byte[] text, int from) {
            int i = from;
            while (i < text.length && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) {
                i++;
            }
            return i;
        }
    }
}
