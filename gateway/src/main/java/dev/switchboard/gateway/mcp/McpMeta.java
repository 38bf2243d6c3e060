package dev.switchboard.gateway.mcp;

/** Keys of {@code params._meta} the gateway reads and writes (2026-07-28 carries per-request state there). */
final class McpMeta {
    static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    private McpMeta() {}
}
