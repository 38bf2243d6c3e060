package dev.switchboard.gateway.state;

import java.util.regex.Pattern;

/** Event ids have the Redis Streams form {@code <millis>-<sequence>}; they order numerically. */
public final class EventIds {
    /** The id before every event: a client that has seen nothing. */
    public static final String ZERO = "0-0";

    private static final Pattern FORM = Pattern.compile("\\d{1,19}-\\d{1,19}");

    private EventIds() {}

    /**
     * @param id candidate id
     * @return whether it has the id form
     */
    public static boolean isValid(String id) {
        return id != null && FORM.matcher(id).matches();
    }

    /**
     * @param id an id of the valid form
     * @return its time part: when it was appended, epoch milliseconds by the clock of the store that gave it
     */
    public static long millis(String id) {
        return Long.parseUnsignedLong(id, 0, id.indexOf('-'), 10);
    }

    /**
     * @param a an id
     * @param b an id
     * @return negative, zero or positive as {@code a} is before, equal to or after {@code b}
     */
    public static int compare(String a, String b) {
        // a fan-out compares one id per stream per event: ids of one log have the same shape (13-digit millis),
        // and two ids of the same shape order as their text; others are parsed in place (leading zeros)
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        if (da == db && a.length() == b.length()) {
            return Integer.signum(a.compareTo(b));
        }
        int byMillis = Long.compareUnsigned(Long.parseUnsignedLong(a, 0, da, 10), Long.parseUnsignedLong(b, 0, db, 10));
        if (byMillis != 0) {
            return byMillis;
        }
        return Long.compareUnsigned(
                Long.parseUnsignedLong(a, da + 1, a.length(), 10), Long.parseUnsignedLong(b, db + 1, b.length(), 10));
    }
}
