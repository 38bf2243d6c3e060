package dev.switchboard.registry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses and prints the human durations used in configuration and registrations:
 * {@code 250ms}, {@code 15s}, {@code 2m}, {@code 1h}, a composite such as {@code 1m30s},
 * or ISO-8601 ({@code PT15S}). A bare number means seconds, as in the original project.
 * Durations come from unauthenticated request bodies: the text is bounded before it is looked at and read
 * by a single left-to-right scan, never a backtracking regular expression.
 */
public final class Durations {
    /** The longest duration text accepted: {@code 1h2m3s4ms} needs a dozen characters. */
    public static final int MAX_LENGTH = 64;

    private static final String EXAMPLES = "use e.g. 500ms, 15s, 2m, 1h";

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException when the text is not a duration or is longer than {@link #MAX_LENGTH}
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "not a duration: " + text.length() + " characters, at most " + MAX_LENGTH + " (" + EXAMPLES + ")");
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + text + "'");
            }
        }
        return scan(value, text);
    }

    /** One pass over {@code <number><unit>} parts; a lone integer means seconds. */
    private static Duration scan(String value, String text) {
        int n = value.length();
        int i = 0;
        double millis = 0;
        while (i < n) {
            int start = i;
            i = digits(value, i);
            if (i == start) {
                throw notADuration(text);
            }
            if (i < n && value.charAt(i) == '.') {
                int fraction = i + 1;
                i = digits(value, fraction);
                if (i == fraction) {
                    throw notADuration(text);
                }
            }
            String amount = value.substring(start, i);
            if (i == n && start == 0) {
                return bareSeconds(amount, text);
            }
            double unit;
            if (value.startsWith("ms", i)) {
                unit = 1;
                i += 2;
            } else if (i < n) {
                unit = switch (value.charAt(i)) {
                    case 's' -> 1_000;
                    case 'm' -> 60_000;
                    case 'h' -> 3_600_000;
                    case 'd' -> 86_400_000;
                    default -> throw notADuration(text);
                };
                i++;
            } else {
                throw notADuration(text);
            }
            millis += Double.parseDouble(amount) * unit;
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    private static int digits(String value, int from) {
        int i = from;
        while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static Duration bareSeconds(String amount, String text) {
        try {
            return Duration.ofSeconds(Long.parseLong(amount));
        } catch (NumberFormatException e) {
            throw notADuration(text); // a fraction or more than a long
        }
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("not a duration: '" + text + "' (" + EXAMPLES + ")");
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
