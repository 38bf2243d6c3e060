package dev.switchboard.gateway.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Whether each listener still accepts connections, for liveness and readiness. A Helidon listener whose
 * accept loop failed is gone for good while the process runs on ("this server socket is terminating
 * now"); nothing in Helidon's API says so (its port is still reported), so it is asked the way a client
 * would: a connection to its port. Refused means dead. A timeout means a full backlog: alive but
 * saturated, which a restart would not cure. Results are kept for a second, so probes cannot be
 * multiplied by health requests.
 */
public final class ListenerChecks {
    /** What a check found. */
    public enum State {
        /** Accepting. */
        UP,
        /** Not accepting: the listener is gone. */
        DOWN,
        /** Could not be told (no descriptor for the probe, say): not counted as down. */
        UNKNOWN
    }

    private static final long CACHE_NANOS = 1_000_000_000L;
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
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
     * @param host the listener's bind address (a wildcard is probed on loopback)
     * @param port its port, read at each probe
     * @return a check that connects to it
     */
    public static Supplier<State> connecting(String host, IntSupplier port) {
        String target = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") || host.equals("[::]") ? "::1" : host;
        return () -> {
            int bound = port.getAsInt();
            return bound <= 0 ? State.DOWN : probe(new InetSocketAddress(target, bound));
        };
    }

    static State probe(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) PROBE_TIMEOUT.toMillis());
            return State.UP;
        } catch (ConnectException e) {
            return State.DOWN;
        } catch (SocketTimeoutException e) {
            return State.UP; // the backlog is full: the listener is there, only saturated
        } catch (IOException e) {
            return State.UNKNOWN;
        }
    }
}
