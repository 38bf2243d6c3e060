package dev.switchboard.registry;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where one namespace's registrations live: Redis when configured, memory otherwise. A function is identified
 * by its namespace (the store's, see {@link Namespaces}) and its name. Every mutation assigns a new, increasing
 * revision and notifies the namespace's listeners with the function's name.
 */
public interface FunctionStore extends AutoCloseable {
    /** @return the namespace this store reads and writes ({@link Namespaces#DEFAULT} or a DNS label) */
    String namespace();

    /**
     * @param namespace another namespace (validated by {@link Namespaces#of})
     * @return the store of that namespace on the same backend (sharing its connections: closing it closes nothing)
     */
    FunctionStore inNamespace(String namespace);

    /** @return the named namespaces (not the default one) that hold at least one registration on this backend */
    java.util.Set<String> namespaces();

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
     * Removes a registration only while the given resource owns it, so that a stale delete (of a resource
     * since created again, or moved) never removes what another owner wrote, nor one made through the admin API.
     *
     * @param name     function name
     * @param ownerUid the owner's uid ({@link RegistrationOwner#uid()})
     * @return whether it was removed
     */
    boolean deleteOwned(String name, String ownerUid);

    /**
     * Subscribes to changes. The listener runs on a store thread: it must not block on the store.
     *
     * @param listener receives the name of each changed function
     */
    void onChange(Consumer<String> listener);

    @Override
    void close();
}
