package dev.switchboard.gateway.mcp;

import dev.switchboard.gateway.http.MediaType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.util.Locale;

/**
 * What a client's {@code Accept} allows. The transports spec asks clients to list both JSON and SSE; a
 * missing header or a wildcard accepts both, and only a header that excludes both is refused (406). Each media
 * range is matched whole (RFC 9110 section 12.5.1): {@code application/json-seq} is not JSON, and a range with
 * {@code q=0} is one the client refuses.
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
        boolean json = false;
        boolean sse = false;
        for (String value : headers.all(HeaderNames.ACCEPT, () -> java.util.List.of("*/*"))) {
            for (String range : value.split(",")) {
                String type = MediaType.of(range);
                if (type.isEmpty() || refused(range)) {
                    continue;
                }
                boolean any = type.equals("*/*");
                json |= any || type.equals("application/json") || type.equals("application/*");
                sse |= any || type.equals("text/event-stream") || type.equals("text/*");
            }
        }
        if (!json && !sse) {
            throw new McpException(
                    Status.NOT_ACCEPTABLE_406,
                    JsonRpc.GATEWAY_ERROR,
                    "Accept must include application/json or text/event-stream (clients list both)");
        }
        return new ClientAccept(json, sse);
    }

    /** @return whether the range carries {@code q=0} (0, 0.0, 0.00, 0.000): "not acceptable" */
    private static boolean refused(String range) {
        String[] parts = range.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=")) {
                return parameter.substring(2).strip().matches("0(\\.0{0,3})?");
            }
        }
        return false;
    }
}
