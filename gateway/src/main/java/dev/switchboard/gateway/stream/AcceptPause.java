package dev.switchboard.gateway.stream;

/**
 * When an event loop stops accepting, and for how long: until a connection closes (at the listener's cap), or
 * after {@code accept()} failed (descriptors exhausted), 10 ms doubling to 1 s while it keeps failing: measured, a
 * loop retrying at once burned a core and wrote 300 MB of stack traces in 8 s. Loop thread only.
 */
final class AcceptPause {
    /** First pause after {@code accept()} failed. */
    static final long MIN_BACKOFF_NANOS = 10_000_000L;
    /** Longest pause after failures in a row. */
    static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private boolean paused;
    private long resumeAt;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    /** @return whether accepting is paused now */
    boolean paused() {
        return paused;
    }

    /** Pauses until a connection closes (the listener is at its cap). */
    void untilAConnectionCloses() {
        pause(0);
    }

    /** {@code accept()} failed: pauses for the backoff, which doubles for the next failure. */
    void afterFailure() {
        pause(backoffNanos);
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }

    /** {@code accept()} gave a connection: the next failure pauses for the shortest time again. */
    void accepted() {
        backoffNanos = MIN_BACKOFF_NANOS;
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return whether accepting is paused and its pause has run out (the caller then checks whether it may resume)
     */
    boolean runOut(long now) {
        return paused && now - resumeAt >= 0;
    }

    /** Accepting resumes. */
    void end() {
        paused = false;
    }

    private void pause(long nanos) {
        paused = true;
        resumeAt = System.nanoTime() + nanos;
    }
}
