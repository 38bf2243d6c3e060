package dev.switchboard.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallDeadlineTest {
    private static Object onVirtualThread(java.util.concurrent.Callable<Object> work) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.set(work.call());
            } catch (Exception e) {
                result.set(e);
            }
        });
        t.join(10_000);
        return result.get();
    }

    @Test
    void aPassedDeadlineInterruptsTheCallAndLeavesNoInterruptBehind() throws Exception {
        Object result = onVirtualThread(() -> {
            boolean interrupted = false;
            boolean passed;
            try (CallDeadline deadline = CallDeadline.start(Duration.ofMillis(100))) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                passed = deadline.passed();
            }
            return interrupted + " " + passed + " " + Thread.currentThread().isInterrupted();
        });
        assertThat(result).isEqualTo("true true false");
    }

    @Test
    void aDisarmedDeadlineNeverInterruptsLaterWork() throws Exception {
        Object result = onVirtualThread(() -> {
            boolean passed;
            try (CallDeadline deadline = CallDeadline.start(Duration.ofMillis(50))) {
                passed = deadline.passed();
            }
            Thread.sleep(200); // past the deadline: throws if the timer still fired
            return passed + " " + Thread.currentThread().isInterrupted();
        });
        assertThat(result).isEqualTo("false false");
    }

    @Test
    void racesBetweenTheTimerAndTheEndOfTheCallLeaveNoInterrupt() throws Exception {
        Object result = onVirtualThread(() -> {
            for (int i = 0; i < 2_000; i++) {
                try (CallDeadline deadline = CallDeadline.start(Duration.ofNanos(i * 500L))) {
                    Thread.onSpinWait();
                }
                if (Thread.currentThread().isInterrupted()) {
                    return "interrupt left behind at " + i;
                }
            }
            return "clean";
        });
        assertThat(result).isEqualTo("clean");
    }
}
