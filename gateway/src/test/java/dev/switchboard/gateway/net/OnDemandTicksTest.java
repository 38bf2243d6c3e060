package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ticks that run while their task has work, stop when it has none, and start again when woken. */
class OnDemandTicksTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger workLeft = new AtomicInteger();
    private final AtomicBoolean arrivesAsItStops = new AtomicBoolean();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** One run: takes one unit of work, says whether any is left. */
    private boolean tick() {
        runs.incrementAndGet();
        workLeft.updateAndGet(n -> Math.max(0, n - 1));
        return workLeft.get() > 0;
    }

    /** Work looked for once more as the ticks stop: one unit may arrive just then. */
    private boolean hasWork() {
        if (arrivesAsItStops.getAndSet(false)) {
            workLeft.incrementAndGet();
        }
        return workLeft.get() > 0;
    }

    private final OnDemandTicks ticks = new OnDemandTicks(scheduler, Duration.ofMillis(10), this::tick, this::hasWork);

    @Test
    void runsWhileThereIsWorkThenStopsUntilWoken() {
        assertThat(ticks.isRunning()).isFalse();
        assertThat(scheduler.getQueue()).as("nothing scheduled before a wake").isEmpty();

        workLeft.set(3);
        ticks.wake(Duration.ZERO);
        await().atMost(Duration.ofSeconds(3)).until(() -> !ticks.isRunning());
        assertThat(runs.get()).as("one run per unit of work").isEqualTo(3);
        assertThat(scheduler.getQueue()).as("stopped: no run scheduled").isEmpty();

        workLeft.set(1);
        ticks.wake(Duration.ZERO);
        ticks.wake(Duration.ZERO);
        await().atMost(Duration.ofSeconds(3)).until(() -> !ticks.isRunning());
        assertThat(runs.get()).as("a second wake while running adds no run").isEqualTo(4);
    }

    @Test
    void workThatArrivesAsTheTicksStopKeepsThemGoing() {
        workLeft.set(1);
        arrivesAsItStops.set(true);
        ticks.wake(Duration.ZERO);
        await().atMost(Duration.ofSeconds(3)).until(() -> !ticks.isRunning());
        assertThat(runs.get()).as("the late unit got its own run").isEqualTo(2);
        assertThat(workLeft.get()).isZero();
    }

    @Test
    void aShutDownSchedulerEndsTheTicksQuietly() {
        scheduler.shutdownNow();
        workLeft.set(1);
        ticks.wake(Duration.ZERO);
        assertThat(runs.get()).isZero();
    }
}
