package dev.switchboard.operator.function;

import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InvalidRegistrationException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a registration only when it differs from the stored one. Every write takes a new store-wide
 * revision and makes every gateway replica re-read the function, so a resync that changes nothing must not
 * write.
 */
final class RegistrationWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationWriter.class);

    private RegistrationWriter() {}

    /**
     * @param store   the gateway's store
     * @param desired the registration wanted
     * @return what is stored now (with its revision)
     * @throws dev.switchboard.registry.StoreUnavailableException when Redis does not answer
     */
    static FunctionRegistration apply(FunctionStore store, FunctionRegistration desired) {
        Optional<FunctionRegistration> current;
        try {
            current = store.get(desired.name());
        } catch (InvalidRegistrationException corrupt) {
            // Unreadable stored form (hand-edited, or written by an incompatible version): replace it. The store's
            // upsert reads the old entry to keep its creation time, so the entry has to go first.
            LOG.warn(
                    "Stored registration of function {} is unreadable ({}); replacing it",
                    desired.name(),
                    corrupt.getMessage());
            store.delete(desired.name());
            current = Optional.empty();
        }
        if (current.isPresent() && sameContent(current.get(), desired)) {
            return current.get();
        }
        return store.upsert(desired);
    }

    /**
     * @param a a registration
     * @param b another
     * @return whether they are equal apart from the store's bookkeeping (times and revision)
     */
    static boolean sameContent(FunctionRegistration a, FunctionRegistration b) {
        return a.stored(0, Instant.EPOCH, Instant.EPOCH).equals(b.stored(0, Instant.EPOCH, Instant.EPOCH));
    }
}
