package dev.switchboard.gateway.mcp;

import java.util.List;

/** The MCP logging levels (RFC 5424 severities), least severe first. */
final class McpLogLevels {
    private static final List<String> ORDER =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    private McpLogLevels() {}

    /** @return whether a name is one of the levels */
    static boolean isLevel(String name) {
        return ORDER.contains(name);
    }

    /**
     * @param level     a message's level
     * @param threshold the level a session set with {@code logging/setLevel}, or null when it set none
     * @return whether the session wants the message: as severe as its threshold, or any without one
     */
    static boolean passes(String level, String threshold) {
        return threshold == null || ORDER.indexOf(level) >= ORDER.indexOf(threshold);
    }
}
