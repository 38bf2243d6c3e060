package dev.switchboard.gateway.topic;

import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import io.helidon.http.Status;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which topics a stream request may follow: valid names, at most {@code MAX_TOPICS_PER_STREAM}, and, when
 * clients authenticate ({@code CLIENT_AUTH} set), only those the identity's grants let it read. Without client
 * authentication topics are public. Checked before a stream opens, so a refusal is a status, never a silently
 * empty stream.
 */
public final class TopicSubscriptions {
    private final int maxPerStream;
    private final boolean restricted;

    /**
     * @param maxPerStream topics one stream may follow
     * @param restricted   whether reading a topic needs a grant (client authentication is on)
     */
    public TopicSubscriptions(int maxPerStream, boolean restricted) {
        this.maxPerStream = maxPerStream;
        this.restricted = restricted;
    }

    /**
     * @param requested the {@code topic} query values, in order
     * @param identity  who asks
     * @return the topics, each once, in the order first named
     * @throws ApiException 400 {@code INVALID_TOPIC} or {@code TOO_MANY_TOPICS}, 403 {@code TOPIC_FORBIDDEN}
     */
    public List<String> topics(List<String> requested, Identity identity) {
        Set<String> topics = new LinkedHashSet<>();
        for (String topic : requested) {
            topics.add(TopicNames.require(topic));
            if (topics.size() > maxPerStream) {
                throw new ApiException(
                        Status.BAD_REQUEST_400,
                        "TOO_MANY_TOPICS",
                        "a stream follows at most " + maxPerStream + " topics (MAX_TOPICS_PER_STREAM)");
            }
        }
        if (restricted) {
            for (String topic : topics) {
                if (!identity.grants().maySubscribe(topic)) {
                    throw new ApiException(
                            Status.FORBIDDEN_403,
                            "TOPIC_FORBIDDEN",
                            "this identity may not " + "read topic '" + topic + "' (no subscribe grant covers it)");
                }
            }
        }
        return List.copyOf(topics);
    }
}
