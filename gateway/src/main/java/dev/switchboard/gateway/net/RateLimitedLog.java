package dev.switchboard.gateway.net;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One kind of failure, logged with its stack trace at most once per interval; the repeats in between are
 * counted and reported, without a trace, with the next one logged. A failure that repeats for every
 * connection (descriptors exhausted, a flood of bad heads) then costs a line a minute, not a disk.
 */
public final class RateLimitedLog {
    private final Logger logger;
    private final Level level;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param logger   where to log
     * @param level    at which level
     * @param what     the failure in words (the message's start)
     * @param interval at most one logged failure per this interval
     * @param nanoTime the clock ({@code System::nanoTime})
     */
    public RateLimitedLog(Logger logger, Level level, String what, java.time.Duration interval, LongSupplier nanoTime) {
        this.logger = logger;
        this.level = level;
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * Logs the failure, or counts it when one was logged less than an interval ago.
     *
     * @param error the failure
     * @return whether it was logged
     */
    public boolean log(Throwable error) {
        long now = nanoTime.getAsLong();
        long next = nextAllowed.get();
        if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        long repeats = suppressed.getAndSet(0);
        if (logger.isLoggable(level)) {
            String message = repeats == 0
                    ? what + ": " + error
                    : what + ": " + error + " (and " + repeats + " more like it since the last report)";
            logger.log(level, message, error);
        }
        return true;
    }

    /** @return failures counted but not logged since the last logged one */
    public long suppressed() {
        return suppressed.get();
    }
}
