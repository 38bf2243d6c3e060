package dev.switchboard.operator.function;

import dev.switchboard.operator.model.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads keys of the Secrets a reconcile may use (from the informer cache, never from the API server).
 * Failures name the Secret and key; values are never printed.
 */
final class SecretValues {
    private final Map<String, Secret> byName;

    private SecretValues(Map<String, Secret> byName) {
        this.byName = byName;
    }

    /**
     * @param secrets Secrets of one namespace
     * @return their values by name
     */
    static SecretValues of(Collection<Secret> secrets) {
        return new SecretValues(secrets.stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> a)));
    }

    /**
     * @param ref    the Secret and key
     * @param reason condition reason when it is missing
     * @param usedBy what needs it, for the message (e.g. "header Authorization")
     * @return the value as UTF-8 text
     * @throws NotReadyException when the Secret or the key does not exist
     */
    String value(SecretKeyRef ref, String reason, String usedBy) throws NotReadyException {
        Secret secret = byName.get(ref.getName());
        if (secret == null) {
            throw new NotReadyException(reason, "Secret " + ref.getName() + " (for " + usedBy + ") not found");
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(ref.getKey());
        if (encoded == null) {
            throw new NotReadyException(
                    reason, "Secret " + ref.getName() + " has no key " + ref.getKey() + " (for " + usedBy + ")");
        }
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new NotReadyException(
                    reason,
                    "key " + ref.getKey() + " of Secret " + ref.getName() + " (for " + usedBy + ") is not base64");
        }
    }
}
