package dev.switchboard.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The Jackson mappers of the process. Their buffers come from the process's {@link BufferRecyclerSlots} instead of
 * Jackson's default thread-local pool: a gateway stream keeps its virtual thread for the connection's life,
 * and a thread-local pool would pin about 8 KiB of buffers to every idle connection.
 * <p>
 * Numbers pass through unchanged: a decimal is read as the exact {@code BigDecimal} it says, scale
 * kept ({@code 1.50} stays {@code 1.50}), not as a double, which would turn {@code 1e999999999} into
 * {@code "Infinity"} and round {@code 0.1000000000000000001}.
 */
public final class JsonMapper {
    /** Nesting bound, so that a hostile body cannot exhaust the stack. */
    public static final int MAX_NESTING_DEPTH = 256;
    /** Longest number, in characters (Jackson's default, made explicit): longer ones cost quadratic time. */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /** Longest object key, in characters (Jackson's default, made explicit). */
    public static final int MAX_NAME_LENGTH = 50_000;
    /** The shared mapper, for JSON the process wrote or a function answered; thread-safe. */
    public static final ObjectMapper MAPPER = build(MAX_NESTING_DEPTH, false);

    /** Indexed by depth: read on every request body, where a map lookup boxed the depth and hashed it each time. */
    private static final AtomicReferenceArray<ObjectMapper> REQUESTS_BY_DEPTH =
            new AtomicReferenceArray<>(MAX_NESTING_DEPTH + 1);

    private JsonMapper() {}

    /**
     * The mapper for client request bodies (invocations, registrations, JSON-RPC messages): nesting is
     * bounded while parsing rather than after, and an object that repeats a key is refused instead of
     * keeping the last value, which another reader of the same text could see differently. Failures are
     * told apart by {@link JsonRefusal#of}. One mapper per depth in use.
     *
     * @param maxDepth deepest nesting accepted, at most {@link #MAX_NESTING_DEPTH}
     * @return the mapper
     * @throws IllegalArgumentException for a negative depth (as Jackson refuses it)
     */
    public static ObjectMapper forRequestBodies(int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("a nesting depth cannot be negative: " + maxDepth);
        }
        int depth = Math.min(maxDepth, MAX_NESTING_DEPTH);
        ObjectMapper mapper = REQUESTS_BY_DEPTH.get(depth);
        if (mapper == null) {
            // two threads may both build one: the first kept is the one every caller uses from then on
            REQUESTS_BY_DEPTH.compareAndSet(depth, null, build(depth, true));
            mapper = REQUESTS_BY_DEPTH.get(depth);
        }
        return mapper;
    }

    /**
     * Reads a request body as one JSON value: anything but whitespace after it is invalid JSON, not ignored as
     * {@link ObjectMapper#readTree(byte[])} ignores it (another reader of the same bytes could take what follows
     * for a message of its own).
     *
     * @param mapper a mapper from {@link #forRequestBodies}
     * @param body   the body
     * @return its tree, or null when it holds no value (empty, or whitespace)
     * @throws JsonProcessingException as the mapper refuses the value, or when something follows it
     * @throws IOException             not thrown reading an array
     */
    public static JsonNode readWhole(ObjectMapper mapper, byte[] body) throws IOException {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonNode tree = mapper.readTree(parser);
            if (tree != null) {
                requireEnd(parser);
            }
            return tree;
        }
    }

    /**
     * @param parser a request body's parser, just past its one value
     * @throws JsonParseException when anything but whitespace follows the value
     * @throws IOException        as the parser's next token does
     */
    public static void requireEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "something follows the JSON value");
        }
    }

    private static ObjectMapper build(int maxDepth, boolean refuseDuplicateKeys) {
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(BufferRecyclerSlots.SHARED)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .build())
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, refuseDuplicateKeys)
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        return mapper;
    }
}
