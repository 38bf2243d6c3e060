package dev.switchboard.gateway.stream;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that serve the event loops' handed-off connections ({@link BlockingExchanges}): one of a few
 * platform threads while one is free, else a virtual thread.
 *
 * <p>Why both: a virtual thread blocked in a socket read is woken in steps (the JDK's poller sees the socket
 * ready, then schedules the thread on a carrier, which may itself have to be woken); a platform thread blocked in
 * the read is woken by the kernel directly, as nginx's worker returns from {@code epoll_wait}. A caller that waits
 * for each answer before its next request pays those steps twice per call (its request, then the function's
 * answer): on a platform thread {@code /invoke} at concurrency 1 took 0.42× the gateway's CPU per call and served
 * 1.1–1.4× the calls per second (bench/notes.md, 2026-12-03). Under concurrency the virtual threads' switches in
 * user space cost less (1.10× CPU per call at concurrency 16 with a platform thread for every connection), so only
 * as many connections as there are cores get one, a connection silent for {@link #LINGER} after an answer
 * waits for its next request on a virtual thread instead, leaving its platform thread to a busier connection, and
 * one whose answer ends while another caller is being served on a virtual thread moves to a virtual thread too:
 * there are then more callers than platform threads, and all on virtual threads cost the least (0.9× the CPU per
 * call at concurrency 16 and 64, bench/notes.md, 2026-12-04).
 */
final class ExchangeThreads implements AutoCloseable {
    /** How long a connection on a platform thread may stay silent after an answer before it moves off it. */
    static final Duration LINGER = Duration.ofMillis(50);
    /** How long an unused platform thread is kept. */
    private static final long KEEP_IDLE_SECONDS = 30;

    private final ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
    private final ThreadPoolExecutor platform;
    /** Requests being served on virtual threads now: while there are any, callers outnumber platform threads. */
    private final AtomicInteger onVirtualThreads = new AtomicInteger();

    /** @param platformThreads platform threads at most (1 or more) */
    ExchangeThreads(int platformThreads) {
        if (platformThreads < 1) {
            throw new IllegalArgumentException("platform threads: " + platformThreads);
        }
        // no queue: a connection gets an idle platform thread, a new one below the bound, or a virtual thread
        platform = new ThreadPoolExecutor(
                0,
                platformThreads,
                KEEP_IDLE_SECONDS,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                Thread.ofPlatform().name("switchboard-exchange-", 0).daemon().factory(),
                (work, pool) -> virtual.execute(work));
    }

    /** @return one platform thread per core: the machine's own bound on callers served at once without waiting */
    static ExchangeThreads perCore() {
        return new ExchangeThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Serves a connection from now on.
     *
     * @param work serves it
     * @throws java.util.concurrent.RejectedExecutionException when the listener is closed (both executors are)
     */
    void execute(Runnable work) {
        platform.execute(work);
    }

    /**
     * Goes on serving a connection on a virtual thread (it went silent on a platform thread).
     *
     * @param work serves it
     */
    void onVirtualThread(Runnable work) {
        virtual.execute(work);
    }

    /** @return whether the calling thread is one a silent connection should leave */
    static boolean onPlatformThread() {
        return !Thread.currentThread().isVirtual();
    }

    /** A request's service begins on a virtual thread. */
    void virtualRequestBegins() {
        onVirtualThreads.incrementAndGet();
    }

    /** A request served on a virtual thread ended. */
    void virtualRequestEnded() {
        onVirtualThreads.decrementAndGet();
    }

    /** @return whether a request is being served on a virtual thread now: a connection should leave its platform one */
    boolean outnumbered() {
        return onVirtualThreads.get() > 0;
    }

    /** @return connections served on platform threads now */
    int onPlatformThreads() {
        return platform.getActiveCount();
    }

    @Override
    public void close() {
        platform.shutdownNow();
        virtual.shutdownNow();
    }
}
