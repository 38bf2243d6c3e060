package dev.switchboard.gateway.state;

import dev.switchboard.gateway.trace.TraceHeaders;
import io.opentelemetry.context.Context;
import java.util.regex.Pattern;

/**
 * The trace an event's announcement carries from the replica that appended it to the replicas that fan it out.
 * A traced append puts one line before the announcement ({@code logKey\nid\ntype\ndata}): an empty line, then
 * the publisher's {@code traceparent}, so the announcement starts with {@code \n00-<trace>-<span>-<flags>\n}. No
 * log key is empty, so an untraced announcement never starts with a line break; and without tracing nothing is
 * added, leaving the format as it was. The stored event (the Redis Stream entry) is never changed.
 *
 * @param message the announcement without the trace line
 * @param context the publisher's span as a remote parent, or the root context
 */
record AnnouncedTrace(String message, Context context) {
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /** @return the trace line an announcement starts with when a span is current, else an empty string */
    static String head() {
        String traceparent = TraceHeaders.currentTraceparent();
        return traceparent == null ? "" : "\n" + traceparent + "\n";
    }

    /**
     * @param announcement an announcement as received
     * @return its message and the trace it carries
     */
    static AnnouncedTrace split(String announcement) {
        if (!announcement.startsWith("\n")) {
            return new AnnouncedTrace(announcement, Context.root());
        }
        int end = announcement.indexOf('\n', 1);
        if (end < 0 || !TRACEPARENT.matcher(announcement).region(1, end).matches()) {
            return new AnnouncedTrace(announcement, Context.root());
        }
        return new AnnouncedTrace(
                announcement.substring(end + 1), TraceHeaders.fromTraceparent(announcement.substring(1, end)));
    }
}
