package dev.switchboard.gateway.state;

import java.util.function.Consumer;

/**
 * A write the store must take eventually (an accepted call's result, a stream's events it could not take), tried
 * again with a growing pause, 100 ms to 2 s, while the store is away, until a deadline.
 */
public final class StoreRetry {
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long LONGEST_PAUSE_MILLIS = 2000;

    private StoreRetry() {}

    /**
     * @param write    the write; a {@link RuntimeException} means the store did not take it
     * @param deadline {@link System#nanoTime()} after which it is given up
     * @param failed   told of each failure (a metric)
     * @return null once written; the last failure when given up at the deadline, or when the thread is interrupted
     *     (its flag is set again)
     */
    public static RuntimeException untilDeadline(Runnable write, long deadline, Consumer<RuntimeException> failed) {
        long pauseMillis = FIRST_PAUSE_MILLIS;
        while (true) {
            RuntimeException failure;
            try {
                write.run();
                return null;
            } catch (RuntimeException e) {
                failed.accept(e);
                failure = e;
            }
            if (System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
                return failure;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failure;
            }
            pauseMillis = Math.min(LONGEST_PAUSE_MILLIS, pauseMillis * 2);
        }
    }
}
