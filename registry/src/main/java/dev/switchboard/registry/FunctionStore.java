package dev.switchboard.registry;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where registrations live: Redis when configured, memory otherwise. Every mutation assigns a new,
 * store-wide increasing revision and notifies listeners with the function's name.
 */
public interface FunctionStore extends AutoCloseable {
    /**
     * @param registration a validated registration
     * @return the stored registration, or empty when one with that name exists
     */
    Optional<FunctionRegistration> create(FunctionRegistration registration);

    /**
     * Replaces an existing registration, keeping its creation time.
     *
     * @param registration a validated registration
     * @return the stored registration, or empty when none has that name
     */
    Optional<FunctionRegistration> replace(FunctionRegistration registration);

    /**
     * Creates or replaces (the operator's reconcile).
     *
     * @param registration a validated registration
     * @return the stored registration
     */
    FunctionRegistration upsert(FunctionRegistration registration);

    /**
     * @param name function name
     * @return the registration, if any
     */
    Optional<FunctionRegistration> get(String name);

    /** @return every registration, sorted by name */
    List<FunctionRegistration> list();

    /**
     * @param name function name
     * @return whether it existed
     */
    boolean delete(String name);

    /**
     * Subscribes to changes. The listener runs on a store thread: it must not block on the store.
     *
     * @param listener receives the name of each changed function
     */
    void onChange(Consumer<String> listener);

    @Override
    void close();
}
