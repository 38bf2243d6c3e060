package dev.switchboard.gateway.state;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** The stored form of a snapshot, {@code <written epoch ms>\n<json>}, and the age check, for both stores. */
final class StampedSnapshots {
    private StampedSnapshots() {}

    static String stamp(Clock clock, String snapshot) {
        return clock.millis() + "\n" + snapshot;
    }

    /**
     * @param stored replica id to stored value
     * @param forget called with the ids of stale or unreadable entries
     * @return the fresh snapshots, by replica id
     */
    static Map<String, String> fresh(
            Map<String, String> stored, Clock clock, Duration maxAge, Consumer<List<String>> forget) {
        long oldest = clock.millis() - maxAge.toMillis();
        Map<String, String> fresh = new TreeMap<>();
        List<String> stale = new java.util.ArrayList<>();
        stored.forEach((replica, value) -> {
            int newline = value.indexOf('\n');
            long written;
            try {
                written = newline > 0 ? Long.parseLong(value.substring(0, newline)) : Long.MIN_VALUE;
            } catch (NumberFormatException e) {
                written = Long.MIN_VALUE;
            }
            if (written >= oldest) {
                fresh.put(replica, value.substring(newline + 1));
            } else {
                stale.add(replica);
            }
        });
        if (!stale.isEmpty()) {
            forget.accept(stale);
        }
        return fresh;
    }
}
