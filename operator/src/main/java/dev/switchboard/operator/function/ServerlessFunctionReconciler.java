package dev.switchboard.operator.function;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.ReadyEvents;
import dev.switchboard.operator.WatchedSecrets;
import dev.switchboard.operator.model.RedisSpec;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionStatus;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RegistrationOwner;
import dev.switchboard.registry.StoreUnavailableException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a ServerlessFunction's registration in the Redis of the SseGateway it names, in the form every
 * gateway replica reads ({@code registry/}). Header values from Secrets are resolved at reconcile time and
 * re-resolved when the Secret changes. Whatever is missing or wrong ends as a {@code Ready=False} condition
 * with a reason and a retry with back-off, never as a crash loop; the finalizer removes the registration.
 * Registrations are written into the function's namespace ({@link dev.switchboard.registry.Namespaces}) with the
 * resource as their owner, and removed from wherever else this operator had written them (a move to another
 * gateway or Redis); {@link RegistrationSweeper} removes those whose resource is gone.
 */
// The periodic resync re-writes registrations lost by a Redis restarted without persistence; it costs one
// read per function when nothing changed.
@ControllerConfiguration(
        name = ServerlessFunctionReconciler.NAME,
        finalizerName = ServerlessFunctionReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class ServerlessFunctionReconciler implements Reconciler<ServerlessFunction>, Cleaner<ServerlessFunction> {
    /** Controller name. */
    public static final String NAME = "serverlessfunction";
    /** Keeps a function until its registration is removed. */
    public static final String FINALIZER = "switchboard.dev/registration";
    /** How long a delete waits for an unreachable Redis before letting the resource go anyway. */
    public static final Duration CLEANUP_GIVE_UP = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(ServerlessFunctionReconciler.class);
    private static final int MAX_ERROR_MESSAGE = 512;

    private final RedisRegistries registries;
    private final Clock clock;
    private final ReadyEvents events;

    /**
     * @param registries the gateways' Redis stores (owned by the caller, who closes them)
     * @param clock      time source for conditions and for the cleanup deadline
     */
    public ServerlessFunctionReconciler(RedisRegistries registries, Clock clock) {
        this.registries = registries;
        this.clock = clock;
        this.events = new ReadyEvents(clock);
    }

    @Override
    public List<EventSource<?, ServerlessFunction>> prepareEventSources(
            EventSourceContext<ServerlessFunction> context) {
        return FunctionEventSources.create(context);
    }

    @Override
    public UpdateControl<ServerlessFunction> reconcile(
            ServerlessFunction function, Context<ServerlessFunction> context) {
        Instant now = clock.instant();
        try {
            SecretValues secrets = secrets(function, context);
            FunctionRegistration desired = RegistrationBuilder.build(function, secrets, now);
            SseGateway gateway = gateway(function, context);
            EndpointCheck.check(desired, gateway);
            String url = redisUrl(gateway, secrets);
            FunctionStore store = store(gateway, url);
            FunctionRegistration stored = write(store, desired.withOwner(owner(function)), gateway);
            // where it was before a move to another gateway or Redis; and the unnamespaced copy of older versions
            registries.removeElsewhere(url, store.namespace(), stored);
            RedisCall.run(
                    gateway, () -> LegacyRegistrations.removeCopyOf(store.inNamespace(Namespaces.DEFAULT), desired));
            return update(
                    function,
                    FunctionStatuses.registered(function, stored.revision(), gatewayName(function), clock),
                    null,
                    context);
        } catch (NotReadyException e) {
            Duration retry = Backoff.after(FunctionStatuses.notReadySince(function, now), now);
            LOG.debug(
                    "Function {} not ready ({}): {}; retrying in {}", id(function), e.reason(), e.getMessage(), retry);
            return update(
                    function, FunctionStatuses.notReady(function, e.reason(), e.getMessage(), clock), retry, context);
        }
    }

    /**
     * The Secrets the reconcile reads: from the informer, which sees only labelled Secrets; one it does not hold
     * is read directly and labelled ({@link WatchedSecrets}), so that its next change is an event.
     */
    private static SecretValues secrets(ServerlessFunction function, Context<ServerlessFunction> context) {
        List<Secret> known = new java.util.ArrayList<>(context.getSecondaryResources(Secret.class));
        java.util.Set<String> cached =
                known.stream().map(s -> s.getMetadata().getName()).collect(java.util.stream.Collectors.toSet());
        java.util.Set<io.javaoperatorsdk.operator.processing.event.ResourceID> wanted =
                new java.util.HashSet<>(References.headerSecrets(function));
        context.getSecondaryResource(SseGateway.class)
                .flatMap(References::redisSecret)
                .ifPresent(wanted::add);
        for (var id : wanted) {
            if (!cached.contains(id.getName())) {
                Secret secret = WatchedSecrets.readAndLabel(
                        context.getClient(), function.getMetadata().getNamespace(), id.getName());
                if (secret != null) {
                    known.add(secret);
                }
            }
        }
        return SecretValues.of(known);
    }

    @Override
    public DeleteControl cleanup(ServerlessFunction function, Context<ServerlessFunction> context) {
        var gateway = context.getSecondaryResource(SseGateway.class);
        String namespace = function.getMetadata().getNamespace();
        String name = function.getMetadata().getName();
        if (gateway.isEmpty()) {
            // Without its gateway nobody can say which Redis holds the registration: remove it from every Redis
            // this operator writes to; the sweep catches what remains.
            registries.removeEverywhere(namespace, name, uid(function));
            LOG.info(
                    "Function {} deleted; its gateway {} is gone, removed from the known Redis servers",
                    id(function),
                    gatewayName(function));
            return DeleteControl.defaultDelete();
        }
        try {
            SecretValues secrets = secrets(function, context);
            String url = redisUrl(gateway.get(), secrets);
            FunctionStore store = store(gateway.get(), url);
            // only while this resource owns it: never what a later resource of the same name or a person wrote
            boolean removed = RedisCall.run(gateway.get(), () -> store.deleteOwned(name, uid(function)));
            registries.removeEverywhere(namespace, name, uid(function));
            removeLegacyCopy(function, secrets, store, gateway.get());
            LOG.info("Function {} deleted; registration {}", id(function), removed ? "removed" : "was already absent");
            return DeleteControl.defaultDelete();
        } catch (NotReadyException e) {
            Instant now = clock.instant();
            Instant deleted = deletionTime(function, now);
            if (!now.isBefore(deleted.plus(CLEANUP_GIVE_UP))) {
                LOG.warn(
                        "Function {} deleted, but its registration could not be removed for {} ({}: {}); letting the "
                                + "resource go: a stale registration may remain in gateway {}'s Redis",
                        id(function),
                        CLEANUP_GIVE_UP,
                        e.reason(),
                        e.getMessage(),
                        gatewayName(function));
                return DeleteControl.defaultDelete();
            }
            Duration retry = Backoff.after(deleted, now);
            LOG.info(
                    "Function {} deleted; cannot remove its registration yet ({}: {}); retrying in {}",
                    id(function),
                    e.reason(),
                    e.getMessage(),
                    retry);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(retry);
        }
    }

    /** A function deleted before this version reconciled it may still have the copy an older version wrote. */
    private void removeLegacyCopy(
            ServerlessFunction function, SecretValues secrets, FunctionStore store, SseGateway gateway)
            throws NotReadyException {
        FunctionRegistration desired;
        try {
            desired = RegistrationBuilder.build(function, secrets, clock.instant());
        } catch (NotReadyException e) {
            return; // what an older version wrote cannot be told apart: leave it
        }
        RedisCall.run(gateway, () -> LegacyRegistrations.removeCopyOf(store.inNamespace(Namespaces.DEFAULT), desired));
    }

    @Override
    public ErrorStatusUpdateControl<ServerlessFunction> updateErrorStatus(
            ServerlessFunction function, Context<ServerlessFunction> context, Exception e) {
        LOG.warn("Reconciling function {} failed", id(function), e);
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (message.length() > MAX_ERROR_MESSAGE) {
            message = message.substring(0, MAX_ERROR_MESSAGE) + "...";
        }
        var status = FunctionStatuses.notReady(function, Reasons.RECONCILE_ERROR, message, clock);
        events.onTransition(function, conditions(function), status.getConditions(), context.getClient());
        var control = ErrorStatusUpdateControl.patchStatus(FunctionStatuses.patchOf(function, status));
        // JOSDK's retry backs off first; once it gives up, keep trying at the slowest pace rather than wait
        // for an event that may never come.
        boolean lastAttempt =
                context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
        return lastAttempt ? control.rescheduleAfter(Backoff.MAX) : control;
    }

    private UpdateControl<ServerlessFunction> update(
            ServerlessFunction function,
            ServerlessFunctionStatus status,
            Duration retryAfter,
            Context<ServerlessFunction> context) {
        UpdateControl<ServerlessFunction> control;
        if (FunctionStatuses.unchanged(function, status)) {
            control = UpdateControl.noUpdate();
        } else {
            events.onTransition(function, conditions(function), status.getConditions(), context.getClient());
            Conditions.find(status.getConditions(), Conditions.READY)
                    .ifPresent(ready -> LOG.info(
                            "Function {}: Ready={} {}: {}",
                            id(function),
                            ready.getStatus(),
                            ready.getReason(),
                            ready.getMessage()));
            control = UpdateControl.patchStatus(FunctionStatuses.patchOf(function, status));
        }
        return retryAfter == null ? control : control.rescheduleAfter(retryAfter);
    }

    private static List<Condition> conditions(ServerlessFunction function) {
        return function.getStatus() == null ? null : function.getStatus().getConditions();
    }

    private static SseGateway gateway(ServerlessFunction function, Context<ServerlessFunction> context)
            throws NotReadyException {
        return context.getSecondaryResource(SseGateway.class)
                .orElseThrow(() -> new NotReadyException(
                        Reasons.GATEWAY_NOT_FOUND,
                        "SseGateway " + gatewayName(function) + " not found in namespace "
                                + function.getMetadata().getNamespace()));
    }

    /** @return the store of the function's namespace in the gateway's Redis */
    private FunctionStore store(SseGateway gateway, String url) throws NotReadyException {
        try {
            return registries.store(url).inNamespace(gateway.getMetadata().getNamespace());
        } catch (IllegalArgumentException e) {
            // The parser's message may quote the URL, password included: say only which gateway.
            throw new NotReadyException(
                    Reasons.INVALID_REDIS_URL,
                    "the Redis URL of SseGateway " + gateway.getMetadata().getName() + " is not a valid Redis URL");
        } catch (StoreUnavailableException e) {
            throw RedisCall.unavailable(gateway, e);
        }
    }

    /** @return the registration's owner record: this resource, through the gateway it names */
    static RegistrationOwner owner(ServerlessFunction function) {
        return new RegistrationOwner(uid(function), gatewayName(function));
    }

    private static String uid(ServerlessFunction function) {
        return function.getMetadata().getUid();
    }

    private static String redisUrl(SseGateway gateway, SecretValues secrets) throws NotReadyException {
        String name = gateway.getMetadata().getName();
        RedisSpec redis = gateway.getSpec() == null ? null : gateway.getSpec().getRedis();
        if (redis != null && redis.getUrl() != null) {
            return redis.getUrl();
        }
        if (redis != null && redis.getSecretRef() != null) {
            // Secrets made from files often end with a newline; a URL has no whitespace to lose.
            return secrets.value(
                            redis.getSecretRef(), Reasons.REDIS_SECRET_MISSING, "the Redis URL of SseGateway " + name)
                    .strip();
        }
        throw new NotReadyException(Reasons.INVALID_REDIS_URL, "SseGateway " + name + " sets no spec.redis");
    }

    private static FunctionRegistration write(FunctionStore store, FunctionRegistration desired, SseGateway gateway)
            throws NotReadyException {
        return RedisCall.run(gateway, () -> RegistrationWriter.apply(store, desired));
    }

    private static Instant deletionTime(ServerlessFunction function, Instant fallback) {
        String timestamp = function.getMetadata().getDeletionTimestamp();
        try {
            return timestamp == null ? fallback : Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

    private static String gatewayName(ServerlessFunction function) {
        return References.gateway(function).map(g -> g.getName()).orElse("(none)");
    }

    private static String id(ServerlessFunction function) {
        return function.getMetadata().getNamespace() + "/"
                + function.getMetadata().getName();
    }
}
