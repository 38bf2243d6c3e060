package dev.switchboard.gateway.sse;

import java.util.Locale;

/** Why a stream ended; a metric tag. */
public enum CloseReason {
    /** A write failed: the client went away. */
    CLIENT_GONE,
    /** The client did not read fast enough and its queue filled up. */
    SLOW_CONSUMER,
    /** The gateway is stopping. */
    SHUTDOWN;

    /** @return the metric tag value */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
