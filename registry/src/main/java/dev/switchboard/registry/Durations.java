package dev.switchboard.registry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the human durations used in configuration and registrations:
 * {@code 250ms}, {@code 15s}, {@code 2m}, {@code 1h}, a composite such as {@code 1m30s},
 * or ISO-8601 ({@code PT15S}). A bare number means seconds, as in the original project.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + text + "'");
            }
        }
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        if (!WHOLE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 500ms, 15s, 2m, 1h)");
        }
        Matcher m = PART.matcher(value);
        double millis = 0;
        while (m.find()) {
            double amount = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /**
     * Prints a duration in the shortest exact unit: {@code 250ms}, {@code 15s}, {@code 2m}, {@code 1h}.
     *
     * @param duration the duration
     * @return its text
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis != 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis != 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
