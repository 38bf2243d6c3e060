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
 * only marks when it must end; the watch visits its readers every {@link #TICK_NANOS} and each ends its read itself
 * when past its mark ({@link Watched#expireIfPast}: it closes its connection, which ends the read, and the reader
 * reports a time-out). A read ends at most one tick late. Function calls' reads (a silent one may also start its
 * call's idle action from here) and kept-alive connections waiting for their next request use it.
 *
 * <p>A reader is watched for as long as it may read ({@link #watch}, {@link #unwatch}: once per connection), and a
 * read only arms its own mark: adding each read to a shared set and removing it after cost the call path two
 * contended map updates per read (bench/notes.md, "the call path's shared maps").
 *
 * <p>While no watched reader reads for a while the thread sleeps until one does ({@link #reading}), so an idle
 * gateway pays nothing.
 */
public final class ReadWatch {
    /** A reader whose blocking reads must end by marks of their own. */
    public interface Watched {
        /** @return whether a read is in progress (its mark armed), so that the watch must stay awake */
        boolean reading();

        /**
         * Called from the watch's thread, every tick while the reader is watched; must not block, and must do
         * nothing when no read is in progress.
         *
         * @param now {@link System#nanoTime()}
         */
        void expireIfPast(long now);
    }

    private static final Logger LOGGER = Logger.getLogger(ReadWatch.class.getName());
    /** How often reads in progress are checked, and so how late a time-out may come. */
    public static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Ticks without a read before the thread sleeps until one begins (one second). */
    private static final int IDLE_TICKS = 50;

    /** The one watch of the process. */
    public static final ReadWatch SHARED = new ReadWatch();

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
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

    /**
     * Watches a reader until {@link #unwatch}: from now on, each of its reads ends by the mark it arms.
     *
     * @param reader a reader not yet reading
     */
    public void watch(Watched reader) {
        watched.add(reader);
    }

    /** @param reader a reader that will not read again (its connection ends) */
    public void unwatch(Watched reader) {
        watched.remove(reader);
    }

    /** A watched reader armed its mark for a read about to begin: the watch wakes if it sleeps. */
    public void reading() {
        if (asleep) {
            asleep = false;
            LockSupport.unpark(thread);
        }
    }

    /** @return readers watched now (for tests) */
    int watchedCount() {
        return watched.size();
    }

    private void run() {
        int idle = 0;
        while (true) {
            long now = System.nanoTime();
            boolean anyReading = false;
            for (Watched reader : watched) {
                if (reader.reading()) {
                    anyReading = true;
                    expire(reader, now);
                }
            }
            if (anyReading) {
                idle = 0;
            } else if (++idle >= IDLE_TICKS) {
                sleepUntilARead();
                idle = 0;
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    /**
     * Nothing may end this thread: every time-out of the process depends on it. A reader whose check fails stays
     * watched, so that its read is tried again next tick rather than left unbounded.
     */
    private void expire(Watched reader, long now) {
        try {
            reader.expireIfPast(now);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not end a read past its time-out", e);
        }
    }

    private boolean anyReading() {
        for (Watched reader : watched) {
            if (reader.reading()) {
                return true;
            }
        }
        return false;
    }

    private void sleepUntilARead() {
        asleep = true;
        // a read armed before the flag was seen is found by this check: check again before sleeping
        while (asleep && !anyReading()) {
            LockSupport.park(this);
        }
        asleep = false;
    }
}
