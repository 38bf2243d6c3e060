package dev.switchboard.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one Jackson mapper of the process. Its buffers come from a shared pool instead of Jackson's default
 * thread-local one: a gateway stream keeps its virtual thread for the connection's life, and a
 * thread-local pool would pin about 8 KiB of buffers to every idle connection.
 */
public final class JsonMapper {
    /** Nesting bound, so that a hostile body cannot exhaust the stack. */
    public static final int MAX_NESTING_DEPTH = 256;
    /** The shared mapper; thread-safe. */
    public static final ObjectMapper MAPPER = withDepth(MAX_NESTING_DEPTH);
    private static final java.util.Map<Integer, ObjectMapper> BY_DEPTH = new java.util.concurrent.ConcurrentHashMap<>();

    private JsonMapper() {
    }

    /**
     * A mapper whose parser stops at a smaller nesting depth: client bodies get the configured bound
     * ({@code MAX_JSON_DEPTH}), checked while parsing rather than after. One mapper per depth in use.
     *
     * @param maxDepth deepest nesting accepted, at most {@link #MAX_NESTING_DEPTH}
     * @return the mapper
     */
    public static ObjectMapper limitedTo(int maxDepth) {
        if (maxDepth >= MAX_NESTING_DEPTH) {
            return MAPPER;
        }
        return BY_DEPTH.computeIfAbsent(maxDepth, JsonMapper::withDepth);
    }

    private static ObjectMapper withDepth(int maxDepth) {
        return new ObjectMapper(JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build());
    }
}
