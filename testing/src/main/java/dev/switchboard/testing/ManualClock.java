package dev.switchboard.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when a test moves it (forwards, backwards, or to an instant). */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /** @param start the first instant */
    public ManualClock(Instant start) {
        this.now = start;
    }

    /** @param by how far to move (negative to step back) */
    public void advance(Duration by) {
        now = now.plus(by);
    }

    /** @param instant where to move */
    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }
}
