package dev.switchboard.registry;

import java.util.Locale;
import java.util.Optional;

/** How the gateway talks to a function. */
public enum FunctionKind {
    /** The original project's contract: JSON payload in, JSON or text out. */
    HTTP("http"),
    /** An MCP server over Streamable HTTP, stateless or stateful; served at {@code /mcp/{name}}. */
    MCP("mcp");

    private final String wireName;

    FunctionKind(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in JSON and custom resources */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name, any case
     * @return the kind, or empty when unknown
     */
    public static Optional<FunctionKind> fromWireName(String name) {
        for (FunctionKind kind : values()) {
            if (kind.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
