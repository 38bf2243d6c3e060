package dev.switchboard.gateway.net;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * How many connections each listener may hold, from the process's descriptor limit ({@code ulimit -n}).
 * <p>
 * Why: Helidon 4.5's listener treats any failure of {@code accept()} as the end of the listener
 * ("this server socket is terminating now"), and at the descriptor limit {@code accept()} fails with
 * "Too many open files": measured, 1,100 silent connections under {@code ulimit -n 1024} closed
 * the listener for good (it was {@code PORT} then; the admin listener is Helidon's now). Helidon takes a permit of {@code maxTcpConnections} <em>before</em> it calls
 * {@code accept()}, so a cap below the limit makes it wait instead (further clients queue in the kernel's
 * backlog, which costs no descriptor). The caps of all listeners together stay below the limit, minus
 * what was open at start (Redis, selectors), every jar of the class path (the JVM opens a jar when it
 * first loads a class from it, so more open as requests are served: measured, a budget from the open
 * count alone still ran out under {@code ulimit -n 256}) and a reserve for function calls, Redis
 * reconnections and log files. With no known limit (not a Unix JVM) nothing is capped. The public listener's
 * event loops keep below their caps the same way (they stop accepting, or shed their oldest silent connection).
 *
 * @param limit       the descriptor limit, if known
 * @param reserve     descriptors kept out of the listeners' reach
 * @param admin       connections the admin listener may hold
 * @param publicListener connections the public listener may hold, over all its ports ({@code PORT},
 *                       {@code STREAM_PORT})
 */
public record DescriptorBudget(OptionalLong limit, long reserve, int admin, int publicListener) {
    /** Enough for health probes, scrapes and the admin API; an admin listener needs few connections. */
    static final int MAX_ADMIN = 64;
    /** Below this many connections per listener the gateway cannot serve: refuse to start instead. */
    static final int MIN_PER_LISTENER = 8;
    /** Descriptors kept free beyond function calls: Redis reconnecting, a log file, a health self-probe. */
    static final int BASE_RESERVE = 32;

    /**
     * @param reserveSetting  {@code FD_RESERVE}, when set
     * @param inflightCalls   {@code MAX_INFLIGHT_INVOCATIONS}: each call in flight may hold a socket
     * @return the budget of this process, from its current limit and use
     * @throws IllegalArgumentException when the limit leaves too little for the listeners
     */
    public static DescriptorBudget ofThisProcess(OptionalLong reserveSetting, int inflightCalls) {
        if (!(ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean os)) {
            return unlimited();
        }
        return compute(
                os.getMaxFileDescriptorCount(),
                os.getOpenFileDescriptorCount() + classPathEntries(),
                reserveSetting,
                inflightCalls);
    }

    /** @return entries of the class path: each jar may be opened later, on its first class */
    private static long classPathEntries() {
        String classPath = System.getProperty("java.class.path", "");
        return classPath.isEmpty() ? 0 : classPath.split(java.io.File.pathSeparator).length;
    }

    /** @return no caps (no known descriptor limit) */
    public static DescriptorBudget unlimited() {
        return new DescriptorBudget(OptionalLong.empty(), 0, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    static DescriptorBudget compute(long limit, long open, OptionalLong reserveSetting, int inflightCalls) {
        long reserve = reserveSetting.orElse(BASE_RESERVE + Math.min(inflightCalls, limit / 4));
        long available = limit - open - reserve;
        // the admin listener's minimum, and the public listener's
        long needed = 2L * MIN_PER_LISTENER;
        if (available < needed) {
            throw new IllegalArgumentException("FD_RESERVE: the descriptor limit (ulimit -n) is " + limit + ", " + open
                    + " are open or held for the class path's jars and " + reserve + " are reserved, leaving "
                    + Math.max(0, available)
                    + " for the listeners' connections; raise the limit or lower FD_RESERVE");
        }
        int admin = (int) Math.max(MIN_PER_LISTENER, Math.min(MAX_ADMIN, available / 16));
        // the public listener's ports share the rest: clients may be given either
        int publicListener = (int) Math.min(Integer.MAX_VALUE, available - admin);
        return new DescriptorBudget(OptionalLong.of(limit), reserve, admin, publicListener);
    }

    /** @return whether the listeners are capped */
    public boolean capped() {
        return limit.isPresent();
    }

    /**
     * @param connections a listener's cap
     * @return how many of them may be waiting for their head (the admin listener's): Helidon stops accepting at its cap, so
     *         silent connections must leave room for some that speak (a quarter of the cap)
     */
    public static int pendingShare(int connections) {
        return connections == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, connections - connections / 4);
    }
}
