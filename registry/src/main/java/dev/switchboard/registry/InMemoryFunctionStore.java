package dev.switchboard.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A process-local store for the single-replica embedded mode and for tests. */
public final class InMemoryFunctionStore implements FunctionStore {
    private final Backend backend;
    private final String namespace;
    private final Map<String, FunctionRegistration> functions;
    private final List<Consumer<String>> listeners;

    /**
     * The store of the default namespace.
     *
     * @param clock source of change times
     */
    public InMemoryFunctionStore(Clock clock) {
        this(new Backend(clock), Namespaces.DEFAULT);
    }

    private InMemoryFunctionStore(Backend backend, String namespace) {
        this.backend = backend;
        this.namespace = Namespaces.of(namespace);
        this.functions = backend.functions.computeIfAbsent(this.namespace, n -> new ConcurrentHashMap<>());
        this.listeners = backend.listeners.computeIfAbsent(this.namespace, n -> new CopyOnWriteArrayList<>());
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public FunctionStore inNamespace(String namespace) {
        return new InMemoryFunctionStore(backend, namespace);
    }

    @Override
    public Set<String> namespaces() {
        Set<String> found = new TreeSet<>();
        backend.functions.forEach((ns, fns) -> {
            if (!Namespaces.isDefault(ns) && !fns.isEmpty()) {
                found.add(ns);
            }
        });
        return found;
    }

    @Override
    public Optional<FunctionRegistration> create(FunctionRegistration registration) {
        synchronized (backend) {
            if (functions.containsKey(registration.name())) {
                return Optional.empty();
            }
            return Optional.of(put(registration, backend.clock.instant()));
        }
    }

    @Override
    public Optional<FunctionRegistration> replace(FunctionRegistration registration) {
        synchronized (backend) {
            FunctionRegistration current = functions.get(registration.name());
            if (current == null) {
                return Optional.empty();
            }
            return Optional.of(put(registration, current.createdAt()));
        }
    }

    @Override
    public FunctionRegistration upsert(FunctionRegistration registration) {
        synchronized (backend) {
            FunctionRegistration current = functions.get(registration.name());
            return put(registration, current == null ? backend.clock.instant() : current.createdAt());
        }
    }

    private FunctionRegistration put(FunctionRegistration registration, Instant createdAt) {
        FunctionRegistration stored = registration.stored(++backend.revision, createdAt, backend.clock.instant());
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
        return functions.values().stream()
                .sorted(Comparator.comparing(FunctionRegistration::name))
                .toList();
    }

    @Override
    public boolean delete(String name) {
        synchronized (backend) {
            return removed(functions.remove(name) != null, name);
        }
    }

    @Override
    public boolean deleteOwned(String name, String ownerUid) {
        synchronized (backend) {
            FunctionRegistration current = functions.get(name);
            boolean owned = current != null
                    && current.owner().map(o -> o.uid().equals(ownerUid)).orElse(false);
            return removed(owned && functions.remove(name) != null, name);
        }
    }

    private boolean removed(boolean existed, String name) {
        if (existed) {
            backend.revision++;
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

    /** What every namespace's store of one process shares. */
    private static final class Backend {
        private final Clock clock;
        private final Map<String, Map<String, FunctionRegistration>> functions = new ConcurrentHashMap<>();
        private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
        private long revision;

        private Backend(Clock clock) {
            this.clock = clock;
        }
    }
}
