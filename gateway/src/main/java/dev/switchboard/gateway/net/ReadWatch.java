package dev.switchboard.gateway.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bounds blocking reads from one thread instead of a socket timeout per read. A timed read parks its virtual
 * thread with a timer, and arming and cancelling that timer hands work to the JDK's timer thread on every read:
 * on the call path that hand-over cost about a fifth of the gateway's CPU per call (bench/notes.md). Here a read
 * only marks when it must end; the watch visits the reads in progress every {@link #TICK_NANOS} and each ends
 * itself when past its mark ({@link Watched#expireIfPast}: it closes its connection, which ends the read, and the
 * reader reports a time-out). A read ends at most one tick late. Function calls' reads (a silent one may also start
 * its call's idle action from here) and kept-alive connections waiting for their next request use it.
 *
 * <p>While no read is watched for a while the thread sleeps until the next one, so an idle gateway pays nothing.
 */
public final class ReadWatch {
    /** A blocking read in progress that must end by a mark of its own. */
    public interface Watched {
        /**
         * Called from the watch's thread, every tick while the read is in progress; must not block.
         *
         * @param now {@link System#nanoTime()}
         * @return whether the read was ended (closed); it is then no longer watched
         */
        boolean expireIfPast(long now);
    }

    private static final Logger LOGGER = Logger.getLogger(ReadWatch.class.getName());
    /** How often reads in progress are checked, and so how late a time-out may come. */
    public static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Ticks without a read before the thread sleeps until one begins (one second). */
    private static final int IDLE_TICKS = 50;

    /** The one watch of the process. */
    public static final ReadWatch SHARED = new ReadWatch();

    private final Set<Watched> reading = ConcurrentHashMap.newKeySet();
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

    /** A read begins (its mark is set): it is checked from now on. */
    public void begin(Watched read) {
        reading.add(read);
        if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
    }

    /** The read ended, whatever its outcome. */
    public void end(Watched read) {
        reading.remove(read);
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
                for (Watched read : reading) {
                    expire(read, now);
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    /** Nothing may end this thread: every time-out of the process depends on it. */
    private void expire(Watched read, long now) {
        try {
            if (read.expireIfPast(now)) {
                reading.remove(read);
            }
        } catch (RuntimeException e) {
            reading.remove(read);
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
