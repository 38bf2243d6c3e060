package dev.switchboard.gateway.state;

import java.util.function.Consumer;

/**
 * Delivery of {@link SessionSignal}s to the replicas that read or stored the session (this one included when it
 * did): only they can run its calls, hold its streams or relay its function's stream, so a replica that never
 * served a session receives none of its signals, however large the fleet.
 */
public interface SessionSignals {
    /**
     * @param signal the signal for the replicas that read or stored its session
     * @throws dev.switchboard.registry.StoreUnavailableException when the store is unreachable
     */
    void send(SessionSignal signal);

    /** @param listener called for every signal, from a thread that must not block */
    void subscribe(Consumer<SessionSignal> listener);
}
