package dev.switchboard.gateway.stream;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

/**
 * The header names the event loops have read lately, by spelling. Clients send the same few names, spelled the same
 * way, on every request of a kept-alive connection; resolving each one again (a string cut from the head, Helidon's
 * lookup by it, and for a name Helidon does not know a lower-case copy) was two fifths of an MCP request's head
 * parse (bench/notes.md, "header names"). Here a name is found by its characters in the head, without a string.
 * The table is small and fixed: a name that misses takes its slot, so names sent at random cost what they cost
 * before, and the table never grows.
 * <p>
 * Shared by every loop without locks: a slot holds an immutable entry, and a reader sees one whole entry or another.
 */
final class SeenHeaderNames {
    /** The table every loop's heads are read with. */
    static final SeenHeaderNames SHARED = new SeenHeaderNames();

    private static final int SLOTS = 128;
    /** Longer names are not kept (no client's usual header is), so that the table holds at most a few KiB. */
    private static final int LONGEST_KEPT = 64;

    private record Seen(String spelling, HeaderName name) {}

    private final Seen[] slots = new Seen[SLOTS];

    /**
     * @param text a request head
     * @param from where a header name starts in it
     * @param to   where it ends
     * @return the name, as {@link HeaderNames#create(String)} gives it for that spelling
     */
    HeaderName name(String text, int from, int to) {
        int length = to - from;
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int slot = (hash ^ (hash >>> 7)) & (SLOTS - 1);
        Seen seen = slots[slot];
        if (seen != null
                && seen.spelling().length() == length
                && text.regionMatches(from, seen.spelling(), 0, length)) {
            return seen.name();
        }
        String spelling = text.substring(from, to);
        HeaderName name = HeaderNames.create(spelling);
        if (length <= LONGEST_KEPT) {
            slots[slot] = new Seen(spelling, name);
        }
        return name;
    }
}
