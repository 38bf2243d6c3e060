package dev.switchboard.gateway.invoke;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.switchboard.gateway.http.Json;
import java.io.IOException;

/**
 * Whether a function's JSON answer can go to the caller as the function wrote it, its bytes inside the
 * result's envelope, instead of being parsed into a tree and written again. One streaming pass checks what
 * the tree would have checked (well-formed JSON within the mapper's bounds) and that writing the tree would
 * give the same value: UTF-8 without a byte-order mark, one value and nothing after it, no key repeated in an
 * object (the tree keeps the last), and no top-level {@code switchboard} key (the gateway acts on it and
 * removes it). Any other answer takes the tree's way, which also words its errors.
 */
final class PassThroughJson {
    private PassThroughJson() {}

    /**
     * @param bytes the answer's body, not empty
     * @return whether the bytes are one JSON value that can be passed through unchanged
     */
    static boolean fits(byte[] bytes) {
        if (!plainUtf8Start(bytes)) {
            return false;
        }
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes)) {
            parser.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
            JsonToken first = parser.nextToken();
            if (first == null) {
                return false;
            }
            int depth = first.isStructStart() ? 1 : 0;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return false;
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (depth == 1
                        && token == JsonToken.FIELD_NAME
                        && first == JsonToken.START_OBJECT
                        && AnswerPublications.KEY.equals(parser.currentName())) {
                    return false;
                }
            }
            // a value's text is checked (strings' UTF-8, numbers' bounds) only when read: read the scalar
            if (first.isScalarValue()) {
                parser.getText();
            }
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** UTF-8 as written by most: no byte-order mark, and not UTF-16 or UTF-32 (an ASCII first character, no NUL). */
    private static boolean plainUtf8Start(byte[] bytes) {
        return bytes.length > 0 && bytes[0] > 0 && (bytes.length < 2 || bytes[1] != 0);
    }
}
