package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.invoke.http1.CallControl;
import dev.switchboard.gateway.net.OnDemandTicks;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.HealthCheck;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Probes functions that declare a health check and marks them inactive after
 * {@link #FAILURES_TO_DEACTIVATE} failed probes in a row; one good probe makes them active again. Each
 * replica probes for itself: what matters is whether this replica can reach the function.
 */
public final class FunctionHealth implements AutoCloseable {
    /** Consecutive failed probes before a function is inactive. */
    public static final int FAILURES_TO_DEACTIVATE = 2;

    private static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** How often due probes are looked for while some registration declares a health check. */
    private static final long TICK_MILLIS = 200;

    private final FunctionCatalog catalog;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final FunctionEngine engine;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-health-checks");
        t.setDaemon(true);
        return t;
    });
    /** None is scheduled while no registration declares a health check: the thread sleeps until one does. */
    private final OnDemandTicks ticks =
            new OnDemandTicks(ticker, Duration.ofMillis(TICK_MILLIS), this::tickOnce, this::anyHealthCheck);

    /**
     * @param catalog the registrations to probe
     * @param engine  the function-call engine (probes share the calls' connections)
     */
    public FunctionHealth(FunctionCatalog catalog, FunctionEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
        catalog.onPut(this::registered);
        ticks.wake(Duration.ofMillis(TICK_MILLIS));
    }

    /** A registration that declares a health check wakes the ticks, so that its first probe is not late. */
    private void registered(FunctionRegistration fn) {
        if (fn.healthCheck().isPresent()) {
            ticks.wake(Duration.ZERO);
        }
    }

    /** @return whether no tick is scheduled (no registration declares a health check) */
    boolean isSleeping() {
        return !ticks.isRunning();
    }

    /** What is known of one function's health. */
    public enum Status {
        /** No health check declared, or not probed yet. */
        UNCHECKED,
        HEALTHY,
        UNHEALTHY
    }

    /**
     * @param name a function
     * @return false only when its health check has failed repeatedly
     */
    public boolean isActive(String name) {
        return status(name) != Status.UNHEALTHY;
    }

    /**
     * @param name a function
     * @return its status
     */
    public Status status(String name) {
        State state = states.get(name);
        return state == null ? Status.UNCHECKED : state.status;
    }

    /**
     * @param name a function
     * @return time of its last probe
     */
    public Optional<Instant> lastCheck(String name) {
        State state = states.get(name);
        return state == null ? Optional.empty() : Optional.ofNullable(state.lastCheck);
    }

    /**
     * Probes what is due; the ticks go on every {@link #TICK_MILLIS} while some registration declares a health check,
     * else the thread sleeps until {@link #registered} wakes it: a gateway without health checks does not wake for
     * them at all (measured, this thread was the largest of an idle gateway's own at five, then one, wake-up a second).
     *
     * @return whether another tick is needed
     */
    private boolean tickOnce() {
        try {
            return tick();
        } catch (RuntimeException e) {
            return true; // look again soon
        }
    }

    private boolean anyHealthCheck() {
        for (FunctionRegistration fn : catalog.registrations()) {
            if (fn.healthCheck().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** @return whether some registration declares a health check */
    private boolean tick() {
        long now = System.nanoTime();
        if (!states.isEmpty()) {
            states.keySet()
                    .removeIf(name -> catalog.find(name)
                            .flatMap(FunctionRegistration::healthCheck)
                            .isEmpty());
        }
        boolean any = false;
        for (FunctionRegistration fn : catalog.registrations()) {
            HealthCheck check = fn.healthCheck().orElse(null);
            if (check == null) {
                continue;
            }
            any = true;
            State state = states.computeIfAbsent(fn.name(), n -> new State());
            if (!state.running && now - state.nextProbeNanos >= 0) {
                state.running = true;
                state.nextProbeNanos = now + check.interval().toNanos();
                probes.execute(() -> probe(fn, check, state));
            }
        }
        return any;
    }

    private void probe(FunctionRegistration fn, HealthCheck check, State state) {
        boolean ok;
        try {
            URI target = fn.endpoint().resolve(check.path());
            Duration timeout = check.interval().compareTo(MAX_PROBE_TIMEOUT) < 0 ? check.interval() : MAX_PROBE_TIMEOUT;
            // a protected health path needs the same credentials as the function itself
            FunctionRequest request = new FunctionRequest(
                    "GET", target, Map.of(), fn.headers(), Map.of(), null, null, timeout, CallControl.within(timeout));
            try (FunctionResponse response = engine.send(request)) {
                ok = response.status() >= 200 && response.status() < 300;
            }
        } catch (RuntimeException e) {
            ok = false;
        }
        state.lastCheck = Instant.now();
        if (ok) {
            state.failures = 0;
            state.status = Status.HEALTHY;
        } else if (++state.failures >= FAILURES_TO_DEACTIVATE) {
            state.status = Status.UNHEALTHY;
        }
        state.running = false;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        probes.shutdownNow();
    }

    private static final class State {
        private volatile Status status = Status.UNCHECKED;
        private volatile Instant lastCheck;
        private volatile int failures;
        private volatile boolean running;
        private volatile long nextProbeNanos = System.nanoTime();
    }
}
