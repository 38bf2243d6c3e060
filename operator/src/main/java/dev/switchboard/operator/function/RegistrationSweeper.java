package dev.switchboard.operator.function;

import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InvalidRegistrationException;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RegistrationOwner;
import dev.switchboard.registry.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the registrations the operator wrote whose resource no longer wants them: the resource is gone (its
 * namespace was deleted, or its cleanup gave up while Redis was away), was created again (another uid), or now
 * names another gateway. Registrations without an owner (made through the admin API) are never touched, nor are
 * namespaces this operator does not watch (another operator's, on a shared Redis).
 *
 * <p>Redis is read before the resources are listed: a registration seen in Redis was written by a resource that
 * existed before the list began, so a resource created meanwhile is never mistaken for a missing one. Deletes
 * are conditional on the owner's uid, so a registration rewritten meanwhile by another resource survives.
 */
public final class RegistrationSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationSweeper.class);

    private final RedisRegistries registries;
    private final Predicate<String> watched;
    private final Function<Set<String>, List<ServerlessFunction>> functions;

    /**
     * @param registries the Redis servers this operator writes to
     * @param watched    whether a namespace is this operator's
     * @param functions  lists the live resources of the given namespaces (from the API server)
     */
    public RegistrationSweeper(
            RedisRegistries registries,
            Predicate<String> watched,
            Function<Set<String>, List<ServerlessFunction>> functions) {
        this.registries = registries;
        this.watched = watched;
        this.functions = functions;
    }

    /** @return how many registrations were removed; a Redis or API server that fails is skipped, not fatal */
    public int sweep() {
        List<Candidate> owned = new ArrayList<>();
        for (FunctionStore redis : registries.connected()) {
            try {
                for (String namespace : redis.namespaces()) {
                    if (watched.test(namespace)) {
                        collect(redis.inNamespace(namespace), owned);
                    }
                }
            } catch (StoreUnavailableException e) {
                LOG.debug("Sweep skips an unavailable Redis: {}", e.getMessage());
            }
        }
        if (owned.isEmpty()) {
            return 0;
        }
        Set<String> namespaces = new TreeSet<>();
        owned.forEach(c -> namespaces.add(c.store().namespace()));
        Set<String> wanted = new HashSet<>();
        for (ServerlessFunction function : functions.apply(namespaces)) {
            wanted.add(key(
                    function.getMetadata().getNamespace(),
                    function.getMetadata().getName(),
                    ServerlessFunctionReconciler.owner(function)));
        }
        int removed = 0;
        for (Candidate c : owned) {
            String namespace = c.store().namespace();
            RegistrationOwner owner = c.registration().owner().orElseThrow();
            if (!wanted.contains(key(namespace, c.registration().name(), owner)) && remove(c, owner)) {
                removed++;
                LOG.info(
                        "Swept registration {} (owner {} via gateway {}): its resource is gone or names another "
                                + "gateway",
                        Namespaces.qualified(namespace, c.registration().name()),
                        owner.uid(),
                        owner.gateway());
            }
        }
        return removed;
    }

    private static void collect(FunctionStore store, List<Candidate> owned) {
        List<FunctionRegistration> all;
        try {
            all = store.list();
        } catch (InvalidRegistrationException unreadable) {
            // one unreadable entry spoils the list: the reconcile of its function replaces it
            LOG.debug("Sweep skips namespace {}: {}", store.namespace(), unreadable.getMessage());
            return;
        }
        all.stream().filter(r -> r.owner().isPresent()).forEach(r -> owned.add(new Candidate(store, r)));
    }

    private static boolean remove(Candidate c, RegistrationOwner owner) {
        try {
            return c.store().deleteOwned(c.registration().name(), owner.uid());
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private static String key(String namespace, String name, RegistrationOwner owner) {
        return namespace + '/' + name + '/' + owner.uid() + '/' + owner.gateway();
    }

    private record Candidate(FunctionStore store, FunctionRegistration registration) {}
}
