package dev.switchboard.operator;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** Runs the Switchboard operator ({@link RunningOperator}) configured from the environment. */
public final class OperatorMain {
    private static final Logger LOGGER = Logger.getLogger(OperatorMain.class.getName());

    private OperatorMain() {
    }

    /**
     * @param args ignored: configuration comes from the environment
     * @throws IOException when the probe port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        OperatorSettings settings;
        try {
            settings = OperatorSettings.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard-operator: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RunningOperator running = RunningOperator.start(settings, o -> { });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "switchboard-operator-shutdown"));
        LOGGER.fine("waiting for a signal to stop");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
