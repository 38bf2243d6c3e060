package dev.switchboard.gateway.mcp;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.util.Locale;

/**
 * What a client's {@code Accept} allows. The transports spec asks clients to list both JSON and SSE; a
 * missing header or a wildcard accepts both, and only a header that excludes both is refused (406).
 *
 * @param json whether {@code application/json} is acceptable
 * @param sse  whether {@code text/event-stream} is acceptable
 */
record ClientAccept(boolean json, boolean sse) {
    /**
     * @param headers a request's headers
     * @return what it accepts
     * @throws McpException 406 when it accepts neither
     */
    static ClientAccept of(Headers headers) {
        String accept = headers.first(HeaderNames.ACCEPT).orElse("*/*").toLowerCase(Locale.ROOT);
        boolean any = accept.contains("*/*");
        ClientAccept result = new ClientAccept(
                any || accept.contains("application/json") || accept.contains("application/*"),
                any || accept.contains("text/event-stream") || accept.contains("text/*"));
        if (!result.json && !result.sse) {
            throw new McpException(
                    Status.NOT_ACCEPTABLE_406,
                    JsonRpc.GATEWAY_ERROR,
                    "Accept must include application/json and text/event-stream");
        }
        return result;
    }
}
