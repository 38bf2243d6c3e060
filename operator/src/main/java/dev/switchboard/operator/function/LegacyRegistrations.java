package dev.switchboard.operator.function;

import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InvalidRegistrationException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration from the versions that wrote every registration into the default (unnamespaced) hash under its bare
 * name. Once a function is written into its namespace, the old copy is removed, but only when it is exactly what
 * an older operator wrote for this spec (same content, no owner): a registration a person made through the admin
 * API differs in something, or was never the operator's, and is left alone.
 */
final class LegacyRegistrations {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyRegistrations.class);

    private LegacyRegistrations() {}

    /**
     * @param unnamespaced the default namespace's store on the same Redis
     * @param desired      the registration just written into the function's namespace, without its owner
     * @return whether an old copy was removed
     * @throws dev.switchboard.registry.StoreUnavailableException when Redis does not answer
     */
    static boolean removeCopyOf(FunctionStore unnamespaced, FunctionRegistration desired) {
        Optional<FunctionRegistration> old;
        try {
            old = unnamespaced.get(desired.name());
        } catch (InvalidRegistrationException unreadable) {
            return false;
        }
        if (old.isEmpty() || old.get().owner().isPresent() || !RegistrationWriter.sameContent(old.get(), desired)) {
            return false;
        }
        boolean removed = unnamespaced.delete(desired.name());
        if (removed) {
            LOG.info(
                    "Removed the unnamespaced registration of {} an older version wrote; it lives in its "
                            + "namespace now",
                    desired.name());
        }
        return removed;
    }
}
