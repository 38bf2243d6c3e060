package dev.switchboard.gateway.stream;

import dev.switchboard.gateway.auth.ProtectedResourceMetadata;
import java.util.Optional;

/**
 * The event loops' API routes besides streams and MCP, each served as documented.
 *
 * @param invoke           {@code POST /invoke/{function}}
 * @param publish          {@code POST /publish/{topic}} and {@code POST /publish/mcp/{server}}
 * @param resourceMetadata {@code GET /.well-known/oauth-protected-resource}, when JWTs are checked
 */
record ApiRoutes(
        InvokeExchange invoke, PublishExchange publish, Optional<ProtectedResourceMetadata> resourceMetadata) {}
