package dev.switchboard.examples.mcp;

import java.util.Locale;

/** The RFC 5424 severities MCP logging uses, least severe first, so that {@code ordinal()} orders them. */
enum LogLevel {
    DEBUG,
    INFO,
    NOTICE,
    WARNING,
    ERROR,
    CRITICAL,
    ALERT,
    EMERGENCY;

    /** @throws McpException -32602 for a name MCP does not define (the 2026 logging page asks for exactly that) */
    static LogLevel parse(String name) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(name)) {
                return level;
            }
        }
        throw McpException.invalidParams("Unknown log level: " + name);
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a message at this level passes a client's threshold. */
    boolean passes(LogLevel threshold) {
        return ordinal() >= threshold.ordinal();
    }
}
