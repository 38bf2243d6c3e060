package dev.switchboard.gateway.state;

import java.util.function.Consumer;

/** Fan-out of {@link SessionSignal}s to every replica, this one included. */
public interface SessionSignals {
    /**
     * @param signal the signal for every replica
     * @throws dev.switchboard.registry.StoreUnavailableException when the store is unreachable
     */
    void send(SessionSignal signal);

    /** @param listener called for every signal, from a thread that must not block */
    void subscribe(Consumer<SessionSignal> listener);
}
