package dev.switchboard.gateway.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.JsonRefusal;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading JSON request bodies within the size limit and writing JSON answers. */
public final class Json {
    /** The process's mapper (buffers from {@code BufferRecyclerSlots}, bounded nesting). */
    public static final ObjectMapper MAPPER = JsonMapper.MAPPER;

    /**
     * The answers' cache directives as one header line, as the event loops write them ({@link
     * RawAnswer#CACHE_CONTROL}); Helidon's own constant holds them as four values, written as four lines.
     */
    public static final Header NO_CACHE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, RawAnswer.CACHE_CONTROL);

    private Json() {}

    /**
     * Reads the body as a JSON object.
     *
     * @param req     the request
     * @param maxSize largest body accepted
     * @return the object
     * @throws ApiException 415 {@code UNSUPPORTED_MEDIA_TYPE}, 413 {@code PAYLOAD_TOO_LARGE},
     *                      400 {@code INVALID_JSON}
     */
    public static ObjectNode readObject(ServerRequest req, long maxSize) {
        try {
            return readObject(req, maxSize, JsonMapper.MAX_NESTING_DEPTH);
        } catch (ApiException e) {
            if (!"JSON_TOO_DEEP".equals(e.code())) {
                throw e;
            }
            // the bound here is the parser's own, not MAX_JSON_DEPTH (which is for public bodies)
            throw tooDeep(JsonMapper.MAX_NESTING_DEPTH, "the bound of every JSON the gateway reads");
        }
    }

    /**
     * Reads the body as a JSON object nested at most {@code maxDepth} deep.
     *
     * @param req      the request
     * @param maxSize  largest body accepted
     * @param maxDepth deepest nesting accepted ({@code MAX_JSON_DEPTH})
     * @return the object
     * @throws ApiException as {@link #readObject(ServerRequest, long)}, and 400 {@code JSON_TOO_DEEP},
     *                      {@code JSON_NUMBER_TOO_LONG}, {@code JSON_STRING_TOO_LONG}, {@code JSON_DUPLICATE_KEY}
     */
    public static ObjectNode readObject(ServerRequest req, long maxSize, int maxDepth) {
        return readObject(req.headers().first(HeaderNames.CONTENT_TYPE), () -> readBody(req, maxSize), maxDepth);
    }

    /**
     * Reads a body as a JSON object nested at most {@code maxDepth} deep, whichever listener carries it.
     *
     * @param contentType the request's {@code Content-Type}, if any
     * @param body        reads the body within its size limit; called only once the type is acceptable
     * @param maxDepth    deepest nesting accepted ({@code MAX_JSON_DEPTH})
     * @return the object
     * @throws ApiException as {@link #readObject(ServerRequest, long, int)}, and whatever {@code body} throws
     */
    public static ObjectNode readObject(
            Optional<String> contentType, java.util.function.Supplier<byte[]> body, int maxDepth) {
        return parseObject(acceptedBody(contentType, body), maxDepth);
    }

    /**
     * A JSON object body with one field's value kept as the bytes the client sent.
     *
     * @param fields   the object's other fields
     * @param verbatim the kept field's value, as sent (UTF-8 JSON text), or null when the field is absent
     */
    public record ObjectWithVerbatim(ObjectNode fields, byte[] verbatim) {}

    /**
     * Reads a body as {@link #readObject(Optional, java.util.function.Supplier, int)} does, with the same checks and
     * refusals, but keeps the value of one field as the client's bytes instead of building a tree of it: a value
     * that is only passed on (an {@code /invoke} payload) is then neither built nor written again. Its strings are
     * still decoded, so a body this accepts is one the tree would accept.
     *
     * @param contentType the request's {@code Content-Type}, if any
     * @param body        reads the body within its size limit; called only once the type is acceptable
     * @param maxDepth    deepest nesting accepted ({@code MAX_JSON_DEPTH})
     * @param field       the field whose value is kept as bytes
     * @return the other fields, and the kept value
     * @throws ApiException as {@link #readObject(Optional, java.util.function.Supplier, int)}
     */
    public static ObjectWithVerbatim readObject(
            Optional<String> contentType, java.util.function.Supplier<byte[]> body, int maxDepth, String field) {
        byte[] bytes = acceptedBody(contentType, body);
        ObjectMapper mapper = JsonMapper.forRequestBodies(maxDepth);
        try (JsonParser parser = mapper.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                // not an object: the tree's way words the refusal
                ObjectNode whole = parseObject(bytes, maxDepth);
                return new ObjectWithVerbatim(whole, null);
            }
            ObjectNode fields = mapper.createObjectNode();
            byte[] verbatim = null;
            // the factory refuses a repeated key, so the kept field is seen at most once
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals(field)) {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    finishValue(parser);
                    int end = (int) parser.currentLocation().getByteOffset();
                    verbatim = java.util.Arrays.copyOfRange(bytes, start, end);
                } else {
                    fields.set(name, mapper.readTree(parser));
                }
            }
            JsonMapper.requireEnd(parser);
            return new ObjectWithVerbatim(fields, verbatim);
        } catch (JsonProcessingException e) {
            throw refused(e, maxDepth);
        } catch (IOException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_JSON", "request body could not be read");
        }
    }

    /**
     * Reads the current value to its last token, decoding its strings (their UTF-8 and length are checked as a
     * tree's would be; structure, nesting, numbers and repeated keys are checked by every token read).
     */
    private static void finishValue(JsonParser parser) throws IOException {
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING) {
                parser.finishToken();
            }
            if (depth == 0) {
                return;
            }
            token = parser.nextToken();
            if (token == null) {
                throw new JsonParseException(parser, "Unexpected end-of-input in a JSON value");
            }
        }
    }

    /** @return the body, when its declared type is JSON or none and it is not empty */
    private static byte[] acceptedBody(Optional<String> contentType, java.util.function.Supplier<byte[]> body) {
        if (contentType.isPresent() && !isJson(contentType.get())) {
            throw new ApiException(
                    Status.UNSUPPORTED_MEDIA_TYPE_415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type must be application/json");
        }
        byte[] bytes = body.get();
        if (bytes.length == 0) {
            throw new ApiException(
                    Status.BAD_REQUEST_400, "INVALID_JSON", "request body is empty; expected a JSON object");
        }
        return bytes;
    }

    /**
     * @param contentType a request's {@code Content-Type}
     * @return whether its media type is {@code application/json}, whatever its parameters ({@code charset}):
     *     {@code application/jsonx} or {@code application/json-patch+json} are other types
     */
    static boolean isJson(String contentType) {
        return MediaType.of(contentType).equals("application/json");
    }

    private static ObjectNode parseObject(byte[] bytes, int maxDepth) {
        JsonNode json;
        try {
            json = JsonMapper.readWhole(JsonMapper.forRequestBodies(maxDepth), bytes);
        } catch (JsonProcessingException e) {
            throw refused(e, maxDepth);
        } catch (IOException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_JSON", "request body could not be read");
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(Status.BAD_REQUEST_400, "INVALID_JSON", "request body must be a JSON object");
        }
        return (ObjectNode) json;
    }

    /**
     * Reads a request body within the size limit (the declared length is checked before reading).
     *
     * @param req     the request
     * @param maxSize largest body accepted
     * @return the body, empty when there is none
     * @throws ApiException 413 {@code PAYLOAD_TOO_LARGE}, 400 when the body cannot be read
     */
    public static byte[] readBody(ServerRequest req, long maxSize) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxSize) {
            throw tooLarge(maxSize);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = BoundedBody.read(in, declared, maxSize);
            if (body.length > maxSize) {
                throw tooLarge(maxSize);
            }
            return body;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            if (e instanceof io.helidon.http.RequestException refused
                    && refused.status().code() == 413) {
                // a chunked body past the listener's limit (maxPayloadSize), met while reading it
                throw tooLarge(maxSize);
            }
            throw new UnreadableBodyException();
        }
    }

    /**
     * @param failure  why the body did not parse
     * @param maxDepth the nesting bound it was parsed with
     * @return 400 with the code of the limit it broke ({@link JsonRefusal}), or {@code INVALID_JSON}
     */
    private static ApiException refused(JsonProcessingException failure, int maxDepth) {
        return switch (JsonRefusal.of(failure)) {
            case TOO_DEEP -> tooDeep(maxDepth);
            case NUMBER_TOO_LONG ->
                new ApiException(
                        Status.BAD_REQUEST_400,
                        JsonRefusal.NUMBER_TOO_LONG.code(),
                        "request body has a number longer than " + JsonMapper.MAX_NUMBER_LENGTH + " characters",
                        Map.of("limit_chars", JsonMapper.MAX_NUMBER_LENGTH));
            case STRING_TOO_LONG ->
                new ApiException(
                        Status.BAD_REQUEST_400,
                        JsonRefusal.STRING_TOO_LONG.code(),
                        "request body has a key longer than "
                                + JsonMapper.MAX_NAME_LENGTH + " characters, or a string longer than "
                                + StreamReadConstraints.DEFAULT_MAX_STRING_LEN,
                        Map.of());
            case DUPLICATE_KEY ->
                new ApiException(
                        Status.BAD_REQUEST_400,
                        JsonRefusal.DUPLICATE_KEY.code(),
                        "request body has the key '" + JsonRefusal.duplicateKey(failure) + "' twice in one object",
                        Map.of("key", JsonRefusal.duplicateKey(failure)));
            case INVALID ->
                new ApiException(
                        Status.BAD_REQUEST_400,
                        "INVALID_JSON",
                        "request body is not valid JSON: " + failure.getOriginalMessage());
        };
    }

    /**
     * @param maxDepth the bound
     * @return 400 {@code JSON_TOO_DEEP}
     */
    public static ApiException tooDeep(int maxDepth) {
        return tooDeep(maxDepth, "MAX_JSON_DEPTH");
    }

    private static ApiException tooDeep(int maxDepth, String bound) {
        return new ApiException(
                Status.BAD_REQUEST_400,
                "JSON_TOO_DEEP",
                "request body nests deeper than " + maxDepth + " levels (" + bound + ")",
                Map.of("limit_depth", maxDepth));
    }

    /**
     * @param maxSize the body limit
     * @return 413 {@code PAYLOAD_TOO_LARGE}, as every body over the limit is refused
     */
    public static ApiException tooLarge(long maxSize) {
        return new ApiException(
                Status.REQUEST_ENTITY_TOO_LARGE_413,
                "PAYLOAD_TOO_LARGE",
                "request body exceeds the limit of " + maxSize + " bytes",
                Map.of("limit_bytes", maxSize));
    }

    /**
     * Sends a JSON answer.
     *
     * @param res    the response
     * @param status HTTP status
     * @param body   the JSON
     */
    public static void send(ServerResponse res, Status status, JsonNode body) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(NO_CACHE);
        // encoded straight to UTF-8: no String of the answer on the way
        res.send(bytes(body));
    }

    /**
     * @param res    the response
     * @param status HTTP status
     * @param body   JSON already encoded in UTF-8
     */
    public static void send(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(NO_CACHE);
        res.send(body);
    }

    /**
     * @param node a JSON value
     * @return its compact text in UTF-8, as {@link #write} would give it
     */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    /**
     * Sends the JSON form of an error.
     *
     * @param res   the response
     * @param error the error
     */
    public static void sendError(ServerResponse res, ApiException error) {
        send(res, error.status(), errorBody(error));
    }

    /**
     * @param error an error
     * @return its JSON body
     */
    public static ObjectNode errorBody(ApiException error) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("success", false);
        body.put("error", error.getMessage());
        body.put("code", error.code());
        error.details().forEach((k, v) -> body.set(k, MAPPER.valueToTree(v)));
        return body;
    }

    /**
     * Serializes with the shared mapper ({@code JsonNode.toString()} would use Jackson's internal mapper,
     * whose thread-local buffers stay pinned to long-lived stream threads).
     *
     * @param node a JSON value
     * @return its compact text
     */
    public static String write(JsonNode node) {
        try {
            return escapeLoneSurrogates(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    /**
     * A JSON string may escape half of a surrogate pair alone (U+D800 as backslash, u, D800), which UTF-8 cannot
     * encode: the text would reach Redis and the streams with a {@code ?} in its place. Written as the escape it
     * was sent as, it reads back as the same string. Only inside JSON strings can such a character be, so the
     * escape is JSON there.
     *
     * @param json JSON text
     * @return the text, its unpaired surrogates escaped; itself when it has none
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder escaped = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (!Character.isSurrogate(c)) {
                if (escaped != null) {
                    escaped.append(c);
                }
                continue;
            }
            boolean paired = Character.isHighSurrogate(c)
                    && i + 1 < json.length()
                    && Character.isLowSurrogate(json.charAt(i + 1));
            if (paired) {
                if (escaped != null) {
                    escaped.append(c).append(json.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (escaped == null) {
                escaped = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            escaped.append(String.format("\\u%04x", (int) c));
        }
        return escaped == null ? json : escaped.toString();
    }

    /** @return a new empty object */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
