package dev.switchboard.gateway.sse;

import java.util.Locale;

/** Why a stream ended; a metric tag. */
public enum CloseReason {
    /** A write failed: the client went away. */
    CLIENT_GONE,
    /** The client did not read fast enough and its queue filled up. */
    SLOW_CONSUMER,
    /** The gateway is stopping. */
    SHUTDOWN,
    /** A newer stream of the same session took its place (an MCP session's messages go on one stream). */
    REPLACED,
    /**
     * What the stream missed while its replica's fan-out connection was away could not be read back from the log:
     * it ends with a reconnect hint, and the client's resume from its last id reads it.
     */
    MISSED;

    /** @return whether the client is told to reconnect soon ({@code retry}) before the stream ends */
    public boolean hintsReconnect() {
        return this == SHUTDOWN || this == MISSED;
    }

    /** @return the metric tag value */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
