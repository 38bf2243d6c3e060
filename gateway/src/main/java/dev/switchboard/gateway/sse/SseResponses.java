package dev.switchboard.gateway.sse;

import dev.switchboard.gateway.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;

/** Starts an SSE response the same way everywhere: status, type, no caching, no proxy buffering. */
public final class SseResponses {
    private SseResponses() {}

    /**
     * @param res a response not yet sent
     * @return its output stream, the headers set
     */
    public static OutputStream start(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(Json.NO_CACHE);
        // nginx and similar proxies would otherwise hold events back
        res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        return res.outputStream();
    }
}
