package dev.switchboard.gateway.topic;

import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.registry.RedisKeys;
import io.helidon.http.Status;
import java.util.regex.Pattern;

/**
 * Topic names: the alphabet of client ids ({@code [A-Za-z0-9._:@-]}, 1 to 128 characters), safe in URL paths,
 * Redis keys and log lines. A topic's log is {@code topic:<name>} beside the client logs, so it is published,
 * replayed and fanned out by the same store calls.
 */
public final class TopicNames {
    /** What a topic name may be. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    /** {@link #NAME} in words, for error messages. */
    public static final String RULE = "a topic name must match [A-Za-z0-9._:@-]{1,128}";

    private TopicNames() {}

    /**
     * @param topic a name a request gave
     * @return the name
     * @throws ApiException 400 {@code INVALID_TOPIC} when it is not a topic name
     */
    public static String require(String topic) {
        if (topic == null || !NAME.matcher(topic).matches()) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_TOPIC",
                    RULE + " (got "
                            + (topic == null || topic.isEmpty() ? "an empty name" : "'" + abbreviate(topic) + "'")
                            + ")");
        }
        return topic;
    }

    /**
     * @param topic a valid topic name
     * @return the key of its log in the event store
     */
    public static String logKey(String topic) {
        return RedisKeys.TOPIC_LOG_PREFIX + topic;
    }

    /**
     * @param logKey a log key
     * @return the topic it is the log of, or null for a client's or an MCP stream's log
     */
    public static String topicOf(String logKey) {
        return logKey.startsWith(RedisKeys.TOPIC_LOG_PREFIX)
                ? logKey.substring(RedisKeys.TOPIC_LOG_PREFIX.length())
                : null;
    }

    private static String abbreviate(String text) {
        String shown = text.length() <= 64 ? text : text.substring(0, 64) + "...";
        StringBuilder safe = new StringBuilder(shown.length());
        for (char c : shown.toCharArray()) {
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }
}
