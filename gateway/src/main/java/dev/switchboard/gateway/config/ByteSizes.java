package dev.switchboard.gateway.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 1048576}, {@code 512KB}, {@code 1MiB}, {@code 10mb} (binary multiples). */
public final class ByteSizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private ByteSizes() {
    }

    /**
     * @param text the size
     * @return bytes
     * @throws IllegalArgumentException when it is not a size
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 1048576, 512KiB, 1MiB)");
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> value * 1024;
            case 'm' -> value * 1024 * 1024;
            case 'g' -> value * 1024 * 1024 * 1024;
            default -> value;
        };
    }
}
