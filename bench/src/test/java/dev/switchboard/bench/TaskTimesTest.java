package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskTimesTest {
    private static List<Long> self() {
        return List.of(ProcessHandle.current().pid());
    }

    @Test
    void countsWhatARunningThreadSpentToBelowAClockTick() {
        TaskTimes before = TaskTimes.of(self());
        long start = System.nanoTime();
        long sink = 0;
        // 3 ms of CPU on this thread: less than one 10 ms clock tick of /proc/<pid>/stat
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3)) {
            sink++;
        }
        long spent = TaskTimes.of(self()).nanosSince(before);
        assertThat(sink).isPositive();
        assertThat(spent).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void aThreadStartedBetweenReadingsCountsWholeAndOneGoneIsReported() throws InterruptedException {
        TaskTimes before = TaskTimes.of(self());
        long[] sink = {0};
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread t = new Thread(
                () -> {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                    while (System.nanoTime() < until) {
                        sink[0]++;
                    }
                    burnt.countDown();
                    try {
                        read.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "burner");
        t.start();
        burnt.await();
        TaskTimes during = TaskTimes.of(self());
        read.countDown();
        t.join();
        // join() returns when the JVM is done with the thread; its task may be listed a moment longer (measured: a
        // CI run on a busy host read it once more), so the reading is taken again until it is gone, for at most 5 s
        TaskTimes after = TaskTimes.of(self());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (after.exitedSince(during).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            after = TaskTimes.of(self());
        }

        assertThat(during.nanosSince(before)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(15));
        assertThat(during.exitedSince(before)).isEmpty();
        assertThat(after.exitedSince(during)).containsExactly("burner");
        assertThat(during.busiestSince(before, 1))
                .as("the busiest thread, by name")
                .startsWith("burner ");
        assertThat(sink[0]).isPositive();
    }
}
