package dev.switchboard.gateway.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether each public port still accepts connections, for liveness and readiness. A port whose event loops stopped
 * is gone for good while the process runs on, so the process should be restarted. Results are kept for a second, so
 * health requests cannot multiply the checks. (The admin listener answers the health requests itself: were it gone,
 * the probe would fail on its own.)
 */
public final class ListenerChecks {
    /** What a check found. */
    public enum State {
        /** Accepting. */
        UP,
        /** Not accepting: the listener is gone. */
        DOWN
    }

    private static final long CACHE_NANOS = 1_000_000_000L;
    private final Map<String, Supplier<State>> checks = new LinkedHashMap<>();
    private volatile Map<String, State> last = Map.of();
    private volatile long lastAt;

    /**
     * @param name  the listener's name in health answers
     * @param check its check
     * @return this
     */
    public ListenerChecks add(String name, Supplier<State> check) {
        checks.put(name, check);
        return this;
    }

    /** @return each listener's state, in the order added (at most a second old) */
    public Map<String, State> states() {
        long now = System.nanoTime();
        Map<String, State> cached = last;
        if (!cached.isEmpty() && now - lastAt < CACHE_NANOS) {
            return cached;
        }
        Map<String, State> states = new LinkedHashMap<>();
        checks.forEach((name, check) -> states.put(name, check.get()));
        last = Collections.unmodifiableMap(states);
        lastAt = now;
        return last;
    }

    /** @return whether no listener is known to be down */
    public boolean allAccepting() {
        return !states().containsValue(State.DOWN);
    }

    /**
     * @param accepting whether the listener accepts connections now
     * @return a check that asks it
     */
    public static Supplier<State> accepting(BooleanSupplier accepting) {
        return () -> accepting.getAsBoolean() ? State.UP : State.DOWN;
    }
}
