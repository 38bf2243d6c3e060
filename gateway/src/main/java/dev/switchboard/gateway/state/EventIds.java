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
     * @param a an id
     * @param b an id
     * @return negative, zero or positive as {@code a} is before, equal to or after {@code b}
     */
    public static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byMillis = Long.compareUnsigned(
                Long.parseUnsignedLong(a.substring(0, da)), Long.parseUnsignedLong(b.substring(0, db)));
        if (byMillis != 0) {
            return byMillis;
        }
        return Long.compareUnsigned(
                Long.parseUnsignedLong(a.substring(da + 1)), Long.parseUnsignedLong(b.substring(db + 1)));
    }
}
