package dev.switchboard.gateway.api;

import dev.switchboard.gateway.auth.Identity;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

/**
 * A {@code POST} of a JSON body to a named target, as its listener received it, apart from the server that carries
 * it: a publish to a topic ({@link Publications}) or a push to an MCP server's sessions
 * ({@code mcp/McpNotifications}). Each listener builds it from its own request and renders the answer.
 *
 * @param name        the target named by the path (the topic, or the MCP server), as sent
 * @param contentType the request's {@code Content-Type}, if any
 * @param body        reads the request's body within the size it is given ({@code MAX_BODY_SIZE})
 * @param identity    who asks, as admission authenticated them
 * @param header      sets a header of the answer (a 401's challenge)
 */
public record JsonPost(
        String name,
        Optional<String> contentType,
        LongFunction<byte[]> body,
        Identity identity,
        BiConsumer<String, String> header) {}
