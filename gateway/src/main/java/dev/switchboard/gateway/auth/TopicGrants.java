package dev.switchboard.gateway.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The topics an identity may publish to and subscribe to, as patterns: a topic name matches itself, and a
 * pattern ending in {@code *} matches every topic starting with what precedes it ({@code *} alone: every
 * topic). From an API key's entry ({@link #parse}) or a JWT's {@code switchboard} claim.
 *
 * @param publish   patterns of the topics it may publish to
 * @param subscribe patterns of the topics it may read
 */
public record TopicGrants(List<String> publish, List<String> subscribe) {
    /** No topics at all. */
    public static final TopicGrants NONE = new TopicGrants(List.of(), List.of());
    /** A pattern: a topic name, optionally ending in {@code *}, or {@code *} alone. */
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{0,128}\\*?");

    public TopicGrants {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    /**
     * @param topic a topic name
     * @return whether a publish pattern covers it
     */
    public boolean mayPublish(String topic) {
        return covers(publish, topic);
    }

    /**
     * @param topic a topic name
     * @return whether a subscribe pattern covers it
     */
    public boolean maySubscribe(String topic) {
        return covers(subscribe, topic);
    }

    /** @return whether any publish pattern is granted */
    public boolean canPublishAnything() {
        return !publish.isEmpty();
    }

    private static boolean covers(List<String> patterns, String topic) {
        for (String p : patterns) {
            if (p.endsWith("*") ? topic.startsWith(p.substring(0, p.length() - 1)) : p.equals(topic)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param pattern a candidate pattern
     * @return whether it is one ({@code [A-Za-z0-9._:@-]{0,128}} and an optional final {@code *}, not empty)
     */
    public static boolean isPattern(String pattern) {
        return pattern != null && !pattern.isEmpty() && PATTERN.matcher(pattern).matches();
    }

    /**
     * Reads an API key entry's grants: {@code publish=<patterns>;subscribe=<patterns>} (either part may be
     * left out), patterns separated by {@code |}, e.g. {@code publish=news|room:*;subscribe=*}.
     *
     * @param text the grants
     * @return them
     * @throws IllegalArgumentException when the text is not of that form (the message never repeats it)
     */
    public static TopicGrants parse(String text) {
        List<String> publish = new ArrayList<>();
        List<String> subscribe = new ArrayList<>();
        for (String part : text.split(";", -1)) {
            int eq = part.indexOf('=');
            String kind = eq < 0 ? part : part.substring(0, eq);
            List<String> into = switch (kind) {
                case "publish" -> publish;
                case "subscribe" -> subscribe;
                default ->
                    throw new IllegalArgumentException(
                            "grants are publish=<patterns> and " + "subscribe=<patterns>, separated by ';'");
            };
            for (String pattern : (eq < 0 ? "" : part.substring(eq + 1)).split("\\|", -1)) {
                if (!isPattern(pattern)) {
                    throw new IllegalArgumentException("a topic pattern is a topic name ([A-Za-z0-9._:@-]), "
                            + "optionally ending in *; patterns are separated by '|'");
                }
                into.add(pattern);
            }
        }
        return new TopicGrants(publish, subscribe);
    }
}
