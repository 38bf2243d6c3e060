package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's periodic jobs on one thread and one clock: jobs whose periods divide one another run together. */
class PeriodicWorkTest {
    private final PeriodicWork work = new PeriodicWork("test-periodic-work");

    @AfterEach
    void stop() {
        work.close();
    }

    @Test
    void aJobAddedLaterRunsOnTheSamePhaseAsTheOthersSoTheirRunsCoincide() throws Exception {
        List<Long> fast = new CopyOnWriteArrayList<>();
        List<Long> slow = new CopyOnWriteArrayList<>();
        work.every(Duration.ofMillis(100), "fast", () -> fast.add(System.nanoTime()));
        // on its own phase (a delay counted from its registration) it would run 40 ms off the fast job's runs
        Thread.sleep(40);
        work.every(Duration.ofMillis(300), "slow", () -> slow.add(System.nanoTime()));

        await().atMost(Duration.ofSeconds(10)).until(() -> slow.size() >= 3);
        for (long run : slow.subList(0, 3)) {
            long nearest = fast.stream().mapToLong(f -> Math.abs(f - run)).min().orElseThrow();
            // the two run back to back on the one thread, in the same wake-up
            assertThat(Duration.ofNanos(nearest)).isLessThan(Duration.ofMillis(20));
        }
    }

    @Test
    void runsMissedWhileTheThreadWasHeldUpAreNotRunBackToBack() {
        List<Long> runs = new CopyOnWriteArrayList<>();
        work.every(Duration.ofMillis(20), "frequent", () -> runs.add(System.nanoTime()));
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() >= 2);
        // another job holds the thread for fifteen of its periods
        work.execute(() -> sleep(300));
        int beforeStall = runs.size();

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() >= beforeStall + 4);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(Duration.ofNanos(runs.get(i) - runs.get(i - 1)))
                    .as("gap before run %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(10));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aJobThatThrowsRunsAgainAtItsNextTime() {
        AtomicInteger runs = new AtomicInteger();
        work.every(Duration.ofMillis(20), "failing", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("store unreachable");
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    }

    @Test
    void nowAndEveryRunsAtOnceThenOnTheClockAndStopsWhenCancelled() throws Exception {
        List<Long> runs = new CopyOnWriteArrayList<>();
        Future<?> periodic = work.nowAndEvery(Duration.ofSeconds(30), "sample", () -> runs.add(System.nanoTime()));

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 1);

        AtomicInteger shortRuns = new AtomicInteger();
        Future<?> frequent = work.every(Duration.ofMillis(10), "frequent", shortRuns::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> shortRuns.get() >= 2);
        frequent.cancel(false);
        int atCancel = shortRuns.get();
        Thread.sleep(100);
        assertThat(shortRuns.get())
                .as("at most a run already under way after cancel")
                .isLessThanOrEqualTo(atCancel + 1);
        assertThat(runs).as("the 30 s job has not run again").hasSize(1);
        periodic.cancel(false);
    }

    @Test
    void workHandedToAClosedClockIsDroppedNotThrown() {
        work.close();
        AtomicInteger runs = new AtomicInteger();

        work.execute(runs::incrementAndGet);

        assertThat(runs).hasValue(0);
    }
}
