package dev.switchboard.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.UnaryOperator;

/**
 * A test's edit of a resource the operator writes too (status, finalizers, a Deployment it applies). fabric8's
 * {@code edit} reads, changes and patches with the read resourceVersion; when the operator writes between the
 * read and the patch the API server answers 409, which is the optimistic lock working, not a test failure. So a
 * conflicted edit is read and applied again, a bounded number of times.
 */
public final class Edits {

    private static final int ATTEMPTS = 10;

    private Edits() {}

    public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        KubernetesClientException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return resource.edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
