package dev.switchboard.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sweep asks about the entries whose deadline has passed, and about no other once they are filed. */
class ExpiryIndexTest {
    private ExpiryIndex<String> index = new ExpiryIndex<>(null);
    /** The "store": deadlines by key, milliseconds. */
    private final Map<String, Long> deadlines = new HashMap<>();

    private final List<String> asked = new ArrayList<>();
    private final List<String> expired = new ArrayList<>();

    private long answer(String key, long now) {
        asked.add(key);
        Long deadline = deadlines.get(key);
        if (deadline == null) {
            return -1;
        }
        if (deadline <= now) {
            deadlines.remove(key);
            expired.add(key);
            return -1;
        }
        return deadline;
    }

    private void put(String key, long deadline) {
        deadlines.put(key, deadline);
        index.file(key);
    }

    @Test
    void aSweepAsksOnlyAboutWhatIsDueOnceTheEntriesAreFiled() {
        for (int i = 0; i < 10_000; i++) {
            put("idle-" + i, 3_600_000);
        }
        put("short", 5_000);
        // the first sweep files what was filed since the last one: each entry once
        assertThat(index.sweep(1_000, this::answer)).isEqualTo(10_001);
        asked.clear();

        assertThat(index.sweep(4_999, this::answer)).isZero();
        assertThat(index.sweep(6_000, this::answer)).isEqualTo(1);
        assertThat(asked).containsExactly("short");
        assertThat(expired).containsExactly("short");
        assertThat(index.size()).isEqualTo(10_000);
    }

    @Test
    void anEntryWhoseDeadlineMovedLaterIsFiledAgainAndExpiresAtItsNewDeadline() {
        put("renewed", 5_000);
        index.sweep(0, this::answer);
        deadlines.put("renewed", 20_000L); // renewed without telling the index

        index.sweep(10_000, this::answer);
        assertThat(expired).isEmpty();
        asked.clear();
        assertThat(index.sweep(19_000, this::answer)).isZero();

        index.sweep(21_000, this::answer);
        assertThat(asked).containsExactly("renewed");
        assertThat(expired).containsExactly("renewed");
        assertThat(index.size()).isZero();
    }

    @Test
    void anEntryWhoseDeadlineMovedEarlierExpiresAtTheEarlierOneAndItsFirstFilingGoesQuietly() {
        put("answered", 3_600_000);
        index.sweep(0, this::answer);
        put("answered", 120_000); // shortened: filed again

        index.sweep(121_000, this::answer);
        assertThat(expired).containsExactly("answered");
        asked.clear();
        index.sweep(3_601_000, this::answer);
        assertThat(asked).containsExactly("answered"); // the first filing, found gone
        assertThat(expired).containsExactly("answered");
        assertThat(index.size()).isZero();
    }

    @Test
    void withAHorizonAnEntryIsAskedAgainAtItAndAFilingLeftBehindGoesWithin() {
        index = new ExpiryIndex<>(java.time.Duration.ofMinutes(1));
        put("idle", 3_600_000);
        put("answered", 3_600_000);
        index.sweep(0, this::answer);
        put("answered", 120_000); // shortened: filed again, its first filing left behind
        index.sweep(1_000, this::answer);
        asked.clear();

        assertThat(index.sweep(59_000, this::answer)).isZero();
        // a minute on, both of the hour's filings are asked, and filed again a minute ahead
        index.sweep(61_000, this::answer);
        assertThat(asked).containsExactlyInAnyOrder("idle", "answered");
        index.sweep(121_000, this::answer);
        assertThat(expired).containsExactly("answered");
        // what is left is the live entry: every filing of the expired one went
        index.sweep(182_000, this::answer);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void whatIsDueWithinTheCurrentSecondWaitsForTheNextSweep() {
        put("now", 10_400);
        index.sweep(10_000, this::answer);
        asked.clear();

        // second 10 has not passed at 10,500 ms: nothing is asked, and filing again cannot loop
        assertThat(index.sweep(10_500, this::answer)).isZero();
        index.sweep(11_000, this::answer);
        assertThat(expired).containsExactly("now");
    }
}
