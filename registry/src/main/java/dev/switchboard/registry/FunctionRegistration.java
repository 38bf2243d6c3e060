package dev.switchboard.registry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A function the gateway may invoke. Immutable; built by {@link RegistrationValidator} from user input
 * and by {@link RegistrationCodec} from the stored form.
 *
 * @param name        unique DNS-label name, used in {@code /invoke/{name}}
 * @param kind        protocol spoken with the function
 * @param endpoint    absolute http(s) URL
 * @param method      HTTP method used to call it
 * @param timeout     default invocation timeout
 * @param headers     headers added to every call (may hold secrets: never print them)
 * @param description free text
 * @param healthCheck optional periodic probe
 * @param maxConcurrency calls in flight to this function per gateway replica (0: no per-function limit)
 * @param retry       retry policy for failed calls
 * @param auth        client credentials this function requires ({@link ClientAuth#DEFAULT}: the gateway's)
 * @param owner       the operator's resource that wrote it; empty for one made through the admin API
 * @param createdAt   first registration time
 * @param updatedAt   last change time
 * @param revision    store-wide increasing number of the last change (0 before it is stored)
 */
public record FunctionRegistration(
        String name,
        FunctionKind kind,
        URI endpoint,
        String method,
        Duration timeout,
        Map<String, String> headers,
        String description,
        Optional<HealthCheck> healthCheck,
        int maxConcurrency,
        RetryPolicy retry,
        ClientAuth auth,
        Optional<RegistrationOwner> owner,
        Instant createdAt,
        Instant updatedAt,
        long revision) {

    public FunctionRegistration {
        headers = Map.copyOf(headers);
        description = description == null ? "" : description;
        auth = auth == null ? ClientAuth.DEFAULT : auth;
        owner = owner == null ? Optional.empty() : owner;
    }

    /**
     * @param revision  the revision assigned by the store
     * @param createdAt creation time to keep
     * @param updatedAt change time
     * @return a copy carrying the store's bookkeeping
     */
    public FunctionRegistration stored(long revision, Instant createdAt, Instant updatedAt) {
        return new FunctionRegistration(
                name,
                kind,
                endpoint,
                method,
                timeout,
                headers,
                description,
                healthCheck,
                maxConcurrency,
                retry,
                auth,
                owner,
                createdAt,
                updatedAt,
                revision);
    }

    /**
     * @param owner the operator's resource writing it
     * @return a copy recording that owner
     */
    public FunctionRegistration withOwner(RegistrationOwner owner) {
        return new FunctionRegistration(
                name,
                kind,
                endpoint,
                method,
                timeout,
                headers,
                description,
                healthCheck,
                maxConcurrency,
                retry,
                auth,
                Optional.of(owner),
                createdAt,
                updatedAt,
                revision);
    }
}
