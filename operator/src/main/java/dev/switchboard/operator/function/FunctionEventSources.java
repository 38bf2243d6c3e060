package dev.switchboard.operator.function;

import dev.switchboard.operator.WatchedSecrets;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.SseGateway;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The secondary resources of a ServerlessFunction: its SseGateway and the Secrets it reads (its headers'
 * and its gateway's Redis URL). Neither is owned by the function, so both directions are explicit:
 * <ul>
 *   <li>secondary to primary: the primary cache is indexed by referenced gateway and Secret, so a change to
 *       either re-reconciles exactly the functions that use it (a rotated Secret is rewritten into the
 *       registration; a gateway created late lets waiting functions register);</li>
 *   <li>primary to secondary: computed from the function's spec, so that {@code Context#getSecondaryResources}
 *       also finds resources that existed before the function did (an index built from secondary events
 *       would miss them).</li>
 * </ul>
 */
final class FunctionEventSources {
    private static final String BY_GATEWAY = "function-by-gateway";
    private static final String BY_SECRET = "function-by-header-secret";

    private FunctionEventSources() {}

    /**
     * @param context the controller's event source context
     * @return the gateway and Secret informers
     */
    static List<EventSource<?, ServerlessFunction>> create(EventSourceContext<ServerlessFunction> context) {
        IndexerResourceCache<ServerlessFunction> functions = context.getPrimaryCache();
        functions.addIndexer(
                BY_GATEWAY,
                f -> References.gateway(f).map(References::indexKey).stream().toList());
        functions.addIndexer(
                BY_SECRET,
                f -> References.headerSecrets(f).stream()
                        .map(References::indexKey)
                        .toList());

        var gatewayConfig = InformerEventSourceConfiguration.from(SseGateway.class, ServerlessFunction.class)
                .withSecondaryToPrimaryMapper(
                        gateway -> lookup(functions, BY_GATEWAY, ResourceID.fromResource(gateway)))
                .withPrimaryToSecondaryMapper((ServerlessFunction f) ->
                        References.gateway(f).map(Set::of).orElse(Set.of()))
                // Gateway status churns (ready replicas); only what the spec says matters to its functions.
                .withOnUpdateFilter((updated, old) -> !Objects.equals(
                        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
                .withNamespacesInheritedFromController()
                .build();
        var gateways = new InformerEventSource<>(gatewayConfig, context);

        // only the labelled Secrets (WatchedSecrets): the reconciler labels the ones it references
        var secretConfig = InformerEventSourceConfiguration.from(Secret.class, ServerlessFunction.class)
                .withLabelSelector(WatchedSecrets.SELECTOR)
                .withSecondaryToPrimaryMapper(secret -> usersOf(secret, functions, gateways))
                .withPrimaryToSecondaryMapper((ServerlessFunction f) -> secretsOf(f, gateways))
                .withNamespacesInheritedFromController()
                .build();
        var secrets = new InformerEventSource<>(secretConfig, context);
        return List.of(gateways, secrets);
    }

    /** The functions reading a Secret: through a header, or through their gateway's Redis URL. */
    private static Set<ResourceID> usersOf(
            Secret secret,
            IndexerResourceCache<ServerlessFunction> functions,
            InformerEventSource<SseGateway, ServerlessFunction> gateways) {
        ResourceID id = ResourceID.fromResource(secret);
        Set<ResourceID> users = new HashSet<>(lookup(functions, BY_SECRET, id));
        gateways.list(
                        secret.getMetadata().getNamespace(),
                        g -> References.redisSecret(g).filter(id::equals).isPresent())
                .forEach(g -> users.addAll(lookup(functions, BY_GATEWAY, ResourceID.fromResource(g))));
        return users;
    }

    /** The Secrets a function's reconcile reads. */
    private static Set<ResourceID> secretsOf(
            ServerlessFunction function, InformerEventSource<SseGateway, ServerlessFunction> gateways) {
        Set<ResourceID> secrets = new HashSet<>(References.headerSecrets(function));
        References.gateway(function)
                .flatMap(gateways::get)
                .flatMap(References::redisSecret)
                .ifPresent(secrets::add);
        return secrets;
    }

    private static Set<ResourceID> lookup(
            IndexerResourceCache<ServerlessFunction> functions, String index, ResourceID referenced) {
        return functions.byIndex(index, References.indexKey(referenced)).stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }
}
