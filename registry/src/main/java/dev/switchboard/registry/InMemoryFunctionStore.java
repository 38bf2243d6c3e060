package dev.switchboard.registry;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A process-local store for the single-replica embedded mode and for tests. */
public final class InMemoryFunctionStore implements FunctionStore {
    private final Map<String, FunctionRegistration> functions = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private long revision;

    /** @param clock source of change times */
    public InMemoryFunctionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<FunctionRegistration> create(FunctionRegistration registration) {
        if (functions.containsKey(registration.name())) {
            return Optional.empty();
        }
        return Optional.of(put(registration, clock.instant()));
    }

    @Override
    public synchronized Optional<FunctionRegistration> replace(FunctionRegistration registration) {
        FunctionRegistration current = functions.get(registration.name());
        if (current == null) {
            return Optional.empty();
        }
        return Optional.of(put(registration, current.createdAt()));
    }

    @Override
    public synchronized FunctionRegistration upsert(FunctionRegistration registration) {
        FunctionRegistration current = functions.get(registration.name());
        return put(registration, current == null ? clock.instant() : current.createdAt());
    }

    private FunctionRegistration put(FunctionRegistration registration, java.time.Instant createdAt) {
        FunctionRegistration stored = registration.stored(++revision, createdAt, clock.instant());
        functions.put(stored.name(), stored);
        notifyChange(stored.name());
        return stored;
    }

    @Override
    public Optional<FunctionRegistration> get(String name) {
        return Optional.ofNullable(functions.get(name));
    }

    @Override
    public List<FunctionRegistration> list() {
        return functions.values().stream().sorted(Comparator.comparing(FunctionRegistration::name)).toList();
    }

    @Override
    public synchronized boolean delete(String name) {
        boolean existed = functions.remove(name) != null;
        if (existed) {
            revision++;
            notifyChange(name);
        }
        return existed;
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void notifyChange(String name) {
        listeners.forEach(l -> l.accept(name));
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
