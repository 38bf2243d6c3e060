package dev.switchboard.operator;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Switchboard operator ({@link RunningOperator}) configured from the environment. A process that
 * cannot start (no API server, CRDs or permissions missing, probe port taken) says why in one line on standard
 * error and exits with status 1, so that Kubernetes restarts it and shows the reason; a running one stops on
 * SIGTERM within {@link #STOP_TIMEOUT_SECONDS}.
 */
public final class OperatorMain {
    /** Bound on stopping: in-flight reconciles get most of it, then the process exits regardless. */
    static final long STOP_TIMEOUT_SECONDS = 10;

    private OperatorMain() {}

    /** @param args ignored: configuration comes from the environment */
    public static void main(String[] args) {
        OperatorSettings settings;
        try {
            settings = OperatorSettings.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard-operator: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunningOperator running;
        try {
            running = RunningOperator.start(settings, o -> {});
        } catch (IOException | RuntimeException e) {
            System.err.println("switchboard-operator: cannot start: " + StartFailure.describe(e));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running, stopped), "switchboard-operator-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops in the background and waits a bounded time: a hung stop must not keep the pod terminating. */
    private static void stop(RunningOperator running, CountDownLatch stopped) {
        Thread stopper = Thread.ofPlatform()
                .daemon()
                .name("switchboard-operator-closing")
                .start(running::close);
        try {
            stopper.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }
}
