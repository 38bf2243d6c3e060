package dev.switchboard.gateway.invoke;

import dev.switchboard.gateway.net.PeriodicWork;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The registrations of this gateway's namespace (its store's, {@link FunctionStore#namespace()}) as this replica
 * sees them: a local cache of the store, so that invoking never waits on
 * Redis for a lookup. Changes announced by the store (from any replica or the operator) refresh one entry;
 * a periodic full reload repairs anything missed while Redis was unreachable.
 */
public final class FunctionCatalog implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(FunctionCatalog.class.getName());
    private static final Duration FULL_RELOAD = Duration.ofSeconds(30);

    private final FunctionStore store;
    private final Map<String, FunctionRegistration> cache = new ConcurrentHashMap<>();
    private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<FunctionRegistration>> putListeners = new CopyOnWriteArrayList<>();
    private final PeriodicWork work;
    private volatile Future<?> reloads;

    /**
     * @param store where the registrations of the namespace this gateway serves live
     * @param work  the gateway's periodic work: the full reloads, and the changes handed off the store's thread
     */
    public FunctionCatalog(FunctionStore store, PeriodicWork work) {
        this.store = store;
        this.work = work;
    }

    /** Loads every registration and starts following changes. */
    public void start() {
        // listener runs on the store's I/O thread: hand the reload to our own thread
        store.onChange(name -> work.execute(() -> reload(name)));
        reloadAll();
        reloads = work.every(FULL_RELOAD, "registry reload", this::reloadAllQuietly);
    }

    /**
     * @param name a function name
     * @return its registration, from the cache
     */
    public Optional<FunctionRegistration> find(String name) {
        return Optional.ofNullable(cache.get(name));
    }

    /** @return the cached registrations, sorted by name */
    public List<FunctionRegistration> list() {
        return cache.values().stream()
                .sorted(Comparator.comparing(FunctionRegistration::name))
                .toList();
    }

    /** @return the registrations, in no order (a live view: no copy, no sort) */
    public java.util.Collection<FunctionRegistration> registrations() {
        return java.util.Collections.unmodifiableCollection(cache.values());
    }

    /** @return number of registrations */
    public int size() {
        return cache.size();
    }

    /**
     * Records a change this replica just made, ahead of the store's announcement.
     *
     * @param registration the stored registration
     */
    public void put(FunctionRegistration registration) {
        FunctionRegistration[] replaced = new FunctionRegistration[1];
        FunctionRegistration current = cache.merge(registration.name(), registration, (old, fresh) -> {
            if (fresh.revision() < old.revision()) {
                return old;
            }
            replaced[0] = old;
            return fresh;
        });
        if (current != registration) {
            return;
        }
        FunctionRegistration old = replaced[0];
        if (old != null && !Objects.equals(old.createdAt(), registration.createdAt())) {
            // deleted and registered again between two of this replica's looks (an update keeps its creation time):
            // what followed the old function (its listen streams) ends here as on any replica that saw the delete
            tellRemoved(registration.name());
        }
        for (Consumer<FunctionRegistration> listener : putListeners) {
            listener.accept(registration);
        }
    }

    /**
     * Follows registrations made or changed, here or elsewhere (as {@link #onRemoved} follows removals); a listener
     * must not block.
     *
     * @param listener gets each registration that became the current one
     */
    public void onPut(Consumer<FunctionRegistration> listener) {
        putListeners.add(listener);
    }

    /** @param name a function this replica just deleted */
    public void remove(String name) {
        removed(name);
    }

    /**
     * Follows registrations leaving this replica's view: a delete here, or one another replica or the operator
     * made (announced, found by the full reload, or seen as the name registered again with a new creation time).
     * Each removal is told once per replica, on the catalog's
     * thread or the deleting request's; a listener must not block.
     *
     * @param listener gets the removed function's name
     */
    public void onRemoved(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    private void removed(String name) {
        if (cache.remove(name) == null) {
            return;
        }
        tellRemoved(name);
    }

    private void tellRemoved(String name) {
        for (Consumer<String> listener : removalListeners) {
            try {
                listener.accept(name);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "a listener failed on the removal of function " + name, e);
            }
        }
    }

    private void reload(String name) {
        try {
            store.get(name).ifPresentOrElse(this::put, () -> removed(name));
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "could not refresh function " + name + "; the next full reload retries", e);
        }
    }

    private void reloadAll() {
        List<FunctionRegistration> all = store.list();
        all.forEach(this::put);
        Set<String> names = all.stream().map(FunctionRegistration::name).collect(Collectors.toSet());
        cache.keySet().stream().filter(name -> !names.contains(name)).toList().forEach(this::removed);
    }

    private void reloadAllQuietly() {
        try {
            reloadAll();
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "registry reload failed; keeping the cached registrations", e);
        }
    }

    @Override
    public void close() {
        Future<?> periodic = reloads;
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
