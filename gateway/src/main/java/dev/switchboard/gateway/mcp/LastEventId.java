package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.state.EventIds;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.util.Optional;

/**
 * Where a GET on {@code /mcp/{name}} resumes: ids of a POST stream are {@code <streamId>/<logId>}, ids of the
 * standalone stream plain log ids. Read alike by both listeners.
 *
 * @param streamId the stream ({@link McpIds#STANDALONE} for the standalone one)
 * @param after    the last log id the client has
 */
record LastEventId(String streamId, String after) {
    static final HeaderName HEADER = HeaderNames.create("Last-Event-ID");

    /**
     * @param headers a GET's headers
     * @return where it resumes, or empty for a fresh standalone stream
     * @throws McpException 400 when the id is not one of this gateway's
     */
    static Optional<LastEventId> of(Headers headers) {
        Optional<String> value = headers.first(HEADER).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String id = value.get();
        int slash = id.indexOf('/');
        String streamId = slash < 0 ? McpIds.STANDALONE : id.substring(0, slash);
        String after = id.substring(slash + 1);
        // a text no stream id can be is refused rather than looked up and echoed back
        if (!McpIds.isStreamId(streamId) || !EventIds.isValid(after)) {
            throw new McpException(
                    Status.BAD_REQUEST_400, JsonRpc.GATEWAY_ERROR, "Last-Event-ID is not an event id of this gateway");
        }
        return Optional.of(new LastEventId(streamId, after));
    }

    boolean standalone() {
        return streamId.equals(McpIds.STANDALONE);
    }
}
