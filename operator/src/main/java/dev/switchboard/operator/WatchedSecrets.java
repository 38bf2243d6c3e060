package dev.switchboard.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's Secret informers watch only Secrets carrying {@link #LABEL}, so that it never caches (nor
 * receives every change of) the cluster's other Secrets. A Secret that a resource references but that lacks the
 * label is read once directly and labelled by the operator (a merge patch of that one label); from then on the
 * informers see it, and its changes re-reconcile the resources that use it. Users may also set the label
 * themselves, e.g. in the template of a Secret another controller writes.
 */
public final class WatchedSecrets {
    /** The label, with the value {@code "true"}. */
    public static final String LABEL = "switchboard.dev/referenced";
    /** The informers' label selector. */
    public static final String SELECTOR = LABEL + "=true";

    private static final Logger LOG = LoggerFactory.getLogger(WatchedSecrets.class);

    private WatchedSecrets() {}

    /** @return whether the informers see this Secret */
    public static boolean isWatched(Secret secret) {
        Map<String, String> labels = secret.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(LABEL));
    }

    /**
     * Reads a referenced Secret from the API server and labels it when it is not labelled yet.
     *
     * @return the Secret, or null when it does not exist
     */
    public static Secret readAndLabel(KubernetesClient client, String namespace, String name) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret != null && !isWatched(secret)) {
            try {
                client.secrets()
                        .inNamespace(namespace)
                        .withName(name)
                        .patch(
                                PatchContext.of(PatchType.JSON_MERGE),
                                new SecretBuilder()
                                        .withNewMetadata()
                                        .addToLabels(LABEL, "true")
                                        .endMetadata()
                                        .build());
                LOG.info("Labelled Secret {}/{} {}=true: a Switchboard resource references it", namespace, name, LABEL);
            } catch (KubernetesClientException e) {
                // read-only: the value is still used; the resource's status says nothing is watched then
                LOG.warn(
                        "Could not label Secret {}/{} {}=true (its changes go unnoticed until it is): {}",
                        namespace,
                        name,
                        LABEL,
                        e.getMessage());
            }
        }
        return secret;
    }
}
