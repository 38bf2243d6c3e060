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
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build());

    private JsonMapper() {
    }
}
