package dev.switchboard.gateway.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.switchboard.gateway.http.Json;
import java.io.IOException;

/**
 * A function's JSON-RPC message, and the text it was parsed from when that text may reach the client as it is. The
 * relay passes most answers on unchanged; writing the parsed message again would cost a serialization, and a copy as
 * large as the answer, per call. The text may go as it is when it holds one JSON object and nothing after it, in UTF-8
 * without a byte order mark (the parser also reads UTF-16 and UTF-32, which a client need not): its first byte is
 * {@code {} and its second is not zero.
 *
 * @param json     the message
 * @param verbatim its text, or null when the message must be written anew
 */
record VerbatimJson(JsonNode json, byte[] verbatim) {
    /**
     * @param json a message the gateway made or changed
     * @return it, to be written anew
     */
    static VerbatimJson of(JsonNode json) {
        return new VerbatimJson(json, null);
    }

    /**
     * Parses as {@code ObjectMapper.readTree(byte[])} does (text after the first value is ignored, no content is a
     * missing node) and keeps the text where it may be passed on.
     *
     * @param text a message's UTF-8 JSON text
     * @return the message, and the text where it may be passed on
     * @throws IOException when the text is no JSON
     */
    static VerbatimJson read(byte[] text) throws IOException {
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            JsonNode json = Json.MAPPER.readTree(parser);
            if (json == null) {
                return of(MissingNode.getInstance());
            }
            boolean alone = parser.nextToken() == null;
            return new VerbatimJson(json, alone && isPlainUtf8Object(text) ? text : null);
        }
    }

    /**
     * @param text a JSON text the parser read as an object
     * @return whether it is UTF-8 without a byte order mark starting with that object: what a client may be given
     */
    static boolean isPlainUtf8Object(byte[] text) {
        return text.length > 1 && text[0] == '{' && text[1] != 0;
    }
}
