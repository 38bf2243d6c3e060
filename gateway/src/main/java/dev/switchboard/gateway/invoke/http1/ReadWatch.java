package dev.switchboard.gateway.invoke.http1;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bounds the reads of calls from one thread instead of a socket timeout per read. A timed read parks its virtual
 * thread with a timer, and arming and cancelling that timer hands work to the JDK's timer thread on every read:
 * on the call path that hand-over cost about a fifth of the gateway's CPU per call (bench/notes.md). Here a read
 * only marks when it must end; the watch visits the reads in progress every {@link #TICK_NANOS} and closes the
 * connection of any read past its mark, which ends the read; the reader then reports a time-out. A read ends at
 * most one tick late. A read silent for its call's idle interval has the call's idle action started from here (on a
 * virtual thread: nothing here waits on a client).
 *
 * <p>While no read is watched for a while the thread sleeps until the next one, so an idle gateway pays nothing.
 */
final class ReadWatch {
    private static final Logger LOGGER = Logger.getLogger(ReadWatch.class.getName());
    /** How often reads in progress are checked, and so how late a time-out may come. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Ticks without a read before the thread sleeps until one begins (one second). */
    private static final int IDLE_TICKS = 50;

    /** The one watch of the process. */
    static final ReadWatch SHARED = new ReadWatch();

    private final Set<Http1Connection> reading = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean asleep;

    private ReadWatch() {
        thread = Thread.ofPlatform()
                .name("switchboard-read-watch")
                .daemon()
                .stackSize(256 * 1024)
                .unstarted(this::run);
        thread.start();
    }

    /** A read begins on this connection (its mark is set): it is checked from now on. */
    void begin(Http1Connection connection) {
        reading.add(connection);
        if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
    }

    /** The read ended, whatever its outcome. */
    void end(Http1Connection connection) {
        reading.remove(connection);
    }

    private void run() {
        int idle = 0;
        while (true) {
            if (reading.isEmpty()) {
                if (++idle >= IDLE_TICKS) {
                    sleepUntilARead();
                    idle = 0;
                }
            } else {
                idle = 0;
                long now = System.nanoTime();
                for (Http1Connection connection : reading) {
                    expire(connection, now);
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    /** Nothing may end this thread: every time-out of the process depends on it. */
    private void expire(Http1Connection connection, long now) {
        try {
            if (connection.expireReadIfPast(now)) {
                reading.remove(connection);
            }
        } catch (RuntimeException e) {
            reading.remove(connection);
            LOGGER.log(Level.WARNING, "could not end a read past its time-out", e);
        }
    }

    private void sleepUntilARead() {
        asleep = true;
        // a read that began before the flag was seen is in the set: check again before sleeping
        while (asleep && reading.isEmpty()) {
            LockSupport.park(this);
        }
        asleep = false;
    }
}
