package dev.switchboard.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loop's heartbeat schedule as pure logic (no clock: times are given): an entry is visited at the first tick at
 * or after its due time, never before, keeps its own phase one interval apart, and a tick visits only its slot.
 */
class HeartbeatWheelTest {
    private static final long MS = 1_000_000L;

    /** A stream stand-in: its due time, moved on by one interval per beat, as {@code HeartbeatTicker.takeDue}. */
    static final class Beating extends HeartbeatWheel.Entry {
        final String name;
        long due;
        final List<Long> beats = new ArrayList<>();

        Beating(String name, long due) {
            this.name = name;
            this.due = due;
        }
    }

    /** Visits like the listener: beats when due (the interval counted from when it was due), counts every visit. */
    static final class Beater implements HeartbeatWheel.Visitor<Beating> {
        final long interval;
        int visits;

        Beater(long interval) {
            this.interval = interval;
        }

        @Override
        public long visit(Beating b, long now) {
            visits++;
            if (now - b.due >= 0) {
                b.beats.add(now);
                b.due += interval;
                if (now - b.due >= 0) {
                    b.due = now + interval;
                }
            }
            return b.due;
        }
    }

    /** Advances tick by tick from {@code from} to {@code to}, as a loop woken at each tick would. */
    private static void run(HeartbeatWheel<Beating> wheel, Beater beater, long to) {
        for (int i = 0; i < 100_000 && wheel.nextTickNanos() - to <= 0; i++) {
            wheel.advance(wheel.nextTickNanos(), beater);
        }
    }

    @Test
    void anIntervalOfWholeTicksIsOneSlotPerTick() {
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(15_000 * MS, 1_000 * MS, 0);
        assertThat(wheel.slots()).isEqualTo(15);
        assertThat(wheel.tickNanos()).isEqualTo(1_000 * MS);
        assertThat(wheel.nextTickNanos()).isEqualTo(1_000 * MS);
    }

    @Test
    void eachEntryBeatsAtTheFirstTickAtOrAfterItsDueTimeThenOneIntervalApart() {
        long interval = 15_000 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 1_000 * MS, 0);
        Beater beater = new Beater(interval);
        // opened at 0.2 s, 3.7 s and 3.9 s: due an interval later, each at its own phase
        Beating a = new Beating("a", 200 * MS + interval);
        Beating b = new Beating("b", 3_700 * MS + interval);
        Beating c = new Beating("c", 3_900 * MS + interval);
        wheel.add(a, a.due);
        wheel.add(b, b.due);
        wheel.add(c, c.due);

        run(wheel, beater, 60_000 * MS);

        assertThat(a.beats).containsExactly(16_000 * MS, 31_000 * MS, 46_000 * MS);
        assertThat(b.beats).containsExactly(19_000 * MS, 34_000 * MS, 49_000 * MS);
        assertThat(c.beats).containsExactly(19_000 * MS, 34_000 * MS, 49_000 * MS);
        // a tick visits only the streams of its slot: each stream once per revolution (plus one early look when it
        // was added a whole revolution ahead of its slot's next tick), never once per tick
        assertThat(beater.visits).isBetween(9, 9 + 3);
    }

    @Test
    void anIntervalThatIsNotWholeTicksStillBeatsNeverEarlyAndAtMostOneTickLate() {
        long interval = 5_500 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 1_000 * MS, 0);
        assertThat(wheel.slots()).isEqualTo(6);
        assertThat(wheel.tickNanos()).isLessThanOrEqualTo(1_000 * MS);
        Beater beater = new Beater(interval);
        List<Beating> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Beating s = new Beating("s" + i, i * 317 * MS + interval);
            all.add(s);
            wheel.add(s, s.due);
        }
        run(wheel, beater, 60_000 * MS);
        for (Beating s : all) {
            long due = s.beats.isEmpty() ? -1 : s.beats.getFirst();
            assertThat(s.beats).as(s.name).hasSizeGreaterThanOrEqualTo(9);
            long nominal = Long.parseLong(s.name.substring(1)) * 317 * MS + interval;
            for (long beat : s.beats) {
                assertThat(beat - nominal).as(s.name + " not early").isGreaterThanOrEqualTo(0);
                assertThat(beat - nominal).as(s.name + " at most a tick late").isLessThanOrEqualTo(wheel.tickNanos());
                nominal += interval;
            }
            assertThat(due).isPositive();
        }
    }

    @Test
    void aRemovedEntryIsNeverVisitedAgain() {
        long interval = 4_000 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 1_000 * MS, 0);
        Beater beater = new Beater(interval);
        Beating kept = new Beating("kept", interval);
        Beating gone = new Beating("gone", interval);
        wheel.add(kept, kept.due);
        wheel.add(gone, gone.due);
        assertThat(wheel.size()).isEqualTo(2);
        wheel.remove(gone);
        wheel.remove(gone); // twice: nothing
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(gone.scheduled()).isFalse();

        run(wheel, beater, 20_000 * MS);

        assertThat(gone.beats).isEmpty();
        assertThat(kept.beats).containsExactly(4_000 * MS, 8_000 * MS, 12_000 * MS, 16_000 * MS, 20_000 * MS);
    }

    @Test
    void aVisitMayRemoveItsEntryAndTheRestOfTheSlotIsStillVisited() {
        long interval = 2_000 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 1_000 * MS, 0);
        List<Beating> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Beating s = new Beating("s" + i, interval);
            all.add(s);
            wheel.add(s, s.due);
        }
        Beater beater = new Beater(interval);
        // the visit ends every other stream (a client gone when its heartbeat is written)
        HeartbeatWheel.Visitor<Beating> closing = (s, now) -> {
            long due = beater.visit(s, now);
            if (Integer.parseInt(s.name.substring(1)) % 2 == 0) {
                wheel.remove(s);
            }
            return due;
        };
        wheel.advance(2_000 * MS, closing);
        assertThat(all).allSatisfy(s -> assertThat(s.beats).hasSize(1));
        assertThat(wheel.size()).isEqualTo(2);
        wheel.advance(4_000 * MS, closing);
        assertThat(all.get(1).beats).hasSize(2);
        assertThat(all.get(3).beats).hasSize(2);
        assertThat(all.get(0).beats).hasSize(1);
    }

    @Test
    void aLoopThatFellBehindVisitsEachSlotOnceAndBeatsWhatIsDue() {
        long interval = 5_000 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 1_000 * MS, 0);
        Beater beater = new Beater(interval);
        List<Beating> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Beating s = new Beating("s" + i, interval + i * 1_000 * MS);
            all.add(s);
            wheel.add(s, s.due);
        }
        // asleep for a minute (a stopped process): one pass, each stream beats once, not once per missed interval
        wheel.advance(60_000 * MS, beater);
        assertThat(all).allSatisfy(s -> assertThat(s.beats).containsExactly(60_000 * MS));
        // each slot once: a stream moved to a slot later in the same pass is looked at again, not beaten again
        assertThat(beater.visits).isLessThanOrEqualTo(2 * 5);
        assertThat(wheel.nextTickNanos()).isEqualTo(61_000 * MS);
        // then every stream is due an interval later, and beats at the first tick at or after it
        run(wheel, beater, 66_000 * MS);
        assertThat(all).allSatisfy(s -> assertThat(s.beats).containsExactly(60_000 * MS, 65_000 * MS));
    }

    @Test
    void anIntervalShorterThanATickBeatsOncePerTick() {
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(10 * MS, 25 * MS, 0);
        assertThat(wheel.slots()).isEqualTo(1);
        assertThat(wheel.tickNanos()).isEqualTo(25 * MS);
        Beater beater = new Beater(10 * MS);
        Beating s = new Beating("s", 10 * MS);
        wheel.add(s, s.due);
        run(wheel, beater, 100 * MS);
        assertThat(s.beats).containsExactly(25 * MS, 50 * MS, 75 * MS, 100 * MS);
    }

    @Test
    void theNextBusyTickSkipsEmptySlotsAndFollowsAddsAndRemovals() {
        // 15 s in 10 ms ticks: 1,500 slots, 24 words of the busy set
        long interval = 15_000 * MS;
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(interval, 10 * MS, 0);
        assertThat(wheel.slots()).isEqualTo(1_500);
        // empty: nothing before one revolution on
        assertThat(wheel.nextBusyTickNanos()).isEqualTo(wheel.nextTickNanos() + interval);

        Beating late = new Beating("late", 12_345 * MS);
        Beating early = new Beating("early", 700 * MS);
        wheel.add(late, late.due);
        assertThat(wheel.nextBusyTickNanos()).isEqualTo(12_350 * MS);
        wheel.add(early, early.due);
        assertThat(wheel.nextBusyTickNanos()).isEqualTo(700 * MS);
        wheel.remove(early);
        assertThat(wheel.nextBusyTickNanos()).isEqualTo(12_350 * MS);

        // a loop woken only at busy ticks beats as one woken at every tick: on time, once per interval
        Beater beater = new Beater(interval);
        for (int i = 0; i < 10 && wheel.nextBusyTickNanos() <= 50_000 * MS; i++) {
            wheel.advance(wheel.nextBusyTickNanos(), beater);
        }
        assertThat(late.beats).containsExactly(12_350 * MS, 27_350 * MS, 42_350 * MS);
        // past the end of the slots, the search wraps round to the slot of the next beat
        assertThat(wheel.nextBusyTickNanos()).isEqualTo(57_350 * MS);
        assertThat(beater.visits).isEqualTo(3);
    }

    @Test
    void anEntryIsScheduledOnceAndTheWheelRefusesNonsense() {
        HeartbeatWheel<Beating> wheel = new HeartbeatWheel<>(1_000 * MS, 250 * MS, 0);
        Beating s = new Beating("s", 1_000 * MS);
        wheel.add(s, s.due);
        assertThatThrownBy(() -> wheel.add(s, s.due)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new HeartbeatWheel<Beating>(0, 250 * MS, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
