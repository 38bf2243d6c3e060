package dev.switchboard.operator.gateway;

import dev.switchboard.operator.WatchedSecrets;
import dev.switchboard.operator.model.GatewayClientAuth;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that the Secrets a gateway's pods read exist and hold the named keys: a schema cannot, and without
 * them the pods sit in CreateContainerConfigError with nothing on the SseGateway saying why. Also checks
 * the client authentication settings that only make sense together, which the gateway would refuse.
 *
 * <p>Read on demand rather than through an informer: the operator need not cache every Secret of the
 * cluster for a check that matters only while a gateway is not ready, and the reconciler re-checks on a
 * timer until it is.
 */
final class ReferencedSecrets {
    static final String REDIS_SECRET_MISSING = "RedisSecretMissing";
    static final String ADMIN_TOKEN_SECRET_MISSING = "AdminTokenSecretMissing";
    static final String API_KEYS_SECRET_MISSING = "ApiKeysSecretMissing";
    static final String INVALID_CLIENT_AUTH = "InvalidClientAuth";

    /** A referenced Secret or key that is absent. */
    record Problem(String reason, String message) {}

    private ReferencedSecrets() {}

    static List<Problem> check(SseGateway gateway, KubernetesClient client) {
        SseGatewaySpec spec = gateway.getSpec();
        String namespace = gateway.getMetadata().getNamespace();
        List<Problem> problems = new ArrayList<>();
        if (spec.getRedis() != null && spec.getRedis().getSecretRef() != null) {
            check(
                    client,
                    namespace,
                    spec.getRedis().getSecretRef(),
                    "spec.redis.secretRef",
                    REDIS_SECRET_MISSING,
                    problems);
        }
        if (spec.getAdminTokenSecretRef() != null) {
            check(
                    client,
                    namespace,
                    spec.getAdminTokenSecretRef(),
                    "spec.adminTokenSecretRef",
                    ADMIN_TOKEN_SECRET_MISSING,
                    problems);
        }
        GatewayClientAuth auth = spec.getClientAuth();
        if (auth != null && auth.getApiKeysSecretRef() != null) {
            check(
                    client,
                    namespace,
                    auth.getApiKeysSecretRef(),
                    "spec.clientAuth.apiKeysSecretRef",
                    API_KEYS_SECRET_MISSING,
                    problems);
        }
        // the gateway refuses to start on these, so say so here rather than leave pods crash-looping
        if (auth != null && auth.getMethods() != null) {
            if (auth.getMethods().contains(GatewayClientAuth.Method.JWT) && auth.getOauth() == null) {
                problems.add(new Problem(
                        INVALID_CLIENT_AUTH,
                        "spec.clientAuth.methods has jwt but " + "spec.clientAuth.oauth is unset"));
            }
            if (auth.getMethods().contains(GatewayClientAuth.Method.API_KEY) && auth.getApiKeysSecretRef() == null) {
                problems.add(new Problem(
                        INVALID_CLIENT_AUTH,
                        "spec.clientAuth.methods has api-key but " + "spec.clientAuth.apiKeysSecretRef is unset"));
            }
        }
        return problems;
    }

    private static void check(
            KubernetesClient client,
            String namespace,
            SecretKeyRef ref,
            String field,
            String reason,
            List<Problem> problems) {
        // labels it when needed, so that the controllers' Secret informers see its changes from now on
        Secret secret = WatchedSecrets.readAndLabel(client, namespace, ref.getName());
        if (secret == null) {
            problems.add(new Problem(reason, "Secret " + ref.getName() + " named by " + field + " does not exist"));
        } else if (!hasKey(secret.getData(), ref.getKey()) && !hasKey(secret.getStringData(), ref.getKey())) {
            problems.add(new Problem(
                    reason, "Secret " + ref.getName() + " named by " + field + " has no key " + ref.getKey()));
        }
    }

    private static boolean hasKey(Map<String, String> data, String key) {
        return data != null && data.containsKey(key);
    }
}
