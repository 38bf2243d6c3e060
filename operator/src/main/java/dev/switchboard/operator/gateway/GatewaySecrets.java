package dev.switchboard.operator.gateway;

import dev.switchboard.operator.WatchedSecrets;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Secrets a gateway's pods read (Redis URL, admin token, API keys). Environment variables from Secrets are
 * read only when a container starts, so a rotated value must change the pod template to reach the pods: the
 * template carries {@link #HASH_ANNOTATION}, a digest of exactly the referenced keys' values. A change to another
 * key of the same Secret, or to any other Secret, leaves it alone. The generated admin token is left out: the
 * operator creates it once and never changes it.
 */
final class GatewaySecrets {
    /** Name of the gateway controller's Secret informer (the generated token's dependent has its own). */
    static final String EVENT_SOURCE = "referenced-secrets";

    static final String HASH_ANNOTATION = "switchboard.dev/secrets-hash";
    private static final String BY_SECRET = "gateway-by-secret";

    private GatewaySecrets() {}

    /** @return the Secret keys the pods read, by the environment variable they fill, in a fixed order */
    static Map<String, SecretKeyRef> referenced(SseGatewaySpec spec) {
        Map<String, SecretKeyRef> refs = new LinkedHashMap<>();
        if (spec.getRedis() != null && spec.getRedis().getSecretRef() != null) {
            refs.put("REDIS_URL", spec.getRedis().getSecretRef());
        }
        if (spec.getAdminTokenSecretRef() != null) {
            refs.put("ADMIN_TOKEN", spec.getAdminTokenSecretRef());
        }
        if (spec.getClientAuth() != null && spec.getClientAuth().getApiKeysSecretRef() != null) {
            refs.put("API_KEYS", spec.getClientAuth().getApiKeysSecretRef());
        }
        return refs;
    }

    private static Set<ResourceID> ids(SseGateway gateway) {
        return referenced(gateway.getSpec()).values().stream()
                .map(ref -> new ResourceID(ref.getName(), gateway.getMetadata().getNamespace()))
                .collect(Collectors.toSet());
    }

    /**
     * @return an informer of the labelled Secrets ({@link WatchedSecrets}) whose change re-reconciles exactly the
     *         gateways referencing them
     */
    static InformerEventSource<Secret, SseGateway> eventSource(EventSourceContext<SseGateway> context) {
        var gateways = context.getPrimaryCache();
        gateways.addIndexer(
                BY_SECRET, g -> ids(g).stream().map(GatewaySecrets::key).toList());
        var config = InformerEventSourceConfiguration.from(Secret.class, SseGateway.class)
                .withName(EVENT_SOURCE)
                .withLabelSelector(WatchedSecrets.SELECTOR)
                .withSecondaryToPrimaryMapper(
                        secret -> gateways.byIndex(BY_SECRET, key(ResourceID.fromResource(secret))).stream()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper((SseGateway g) -> ids(g))
                .withNamespacesInheritedFromController()
                .build();
        return new InformerEventSource<>(config, context);
    }

    private static String key(ResourceID id) {
        return id.getNamespace().orElse("") + "/" + id.getName();
    }

    /**
     * A digest of the referenced values, read from the informer, or directly while a Secret is not labelled yet
     * (the reconcile labels it), so that labelling never changes the digest. A missing Secret or key counts as
     * absent: creating it later rolls the pods, which were waiting for it anyway.
     */
    static String hash(SseGateway gateway, Context<SseGateway> context) {
        @SuppressWarnings("unchecked")
        InformerEventSource<Secret, SseGateway> informer = (InformerEventSource<Secret, SseGateway>)
                context.eventSourceRetriever().getEventSourceFor(Secret.class, EVENT_SOURCE);
        String namespace = gateway.getMetadata().getNamespace();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, SecretKeyRef> ref :
                    referenced(gateway.getSpec()).entrySet()) {
                String name = ref.getValue().getName();
                Secret secret = informer.get(new ResourceID(name, namespace))
                        .or(() -> Optional.ofNullable(context.getClient()
                                .secrets()
                                .inNamespace(namespace)
                                .withName(name)
                                .get()))
                        .orElse(null);
                String value =
                        secret == null ? null : value(secret, ref.getValue().getKey());
                digest.update((ref.getKey() + "\0" + name + "\0"
                                + ref.getValue().getKey() + "\0" + (value == null ? "\1absent" : value) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return secret.getData().get(key);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }
}
