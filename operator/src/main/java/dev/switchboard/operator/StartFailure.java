package dev.switchboard.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Says in one line why the operator could not start. JOSDK wraps the cause five levels deep; the line names the
 * likely reason, then the innermost API call that failed (or the root cause), then the root cause's type.
 */
final class StartFailure {
    private static final int MAX_LENGTH = 500;

    private StartFailure() {}

    /**
     * @param failure what start-up threw
     * @return one line
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        KubernetesClientException call = null;
        String deepestMessage = null;
        boolean unreachable = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof KubernetesClientException k) {
                call = k;
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepestMessage = t.getMessage();
            }
            unreachable |= t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.nio.channels.ClosedChannelException;
        }
        String detail = firstLine(call != null ? call.getMessage() : deepestMessage);
        String line = reason(call, unreachable) + ": " + detail + " ("
                + root.getClass().getSimpleName() + ")";
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH) + "...";
    }

    private static String reason(KubernetesClientException call, boolean unreachable) {
        int code = call == null ? 0 : call.getCode();
        if (code == 404) {
            return "a resource type is missing: are the CRDs installed (kubectl apply --server-side -f crds/)?";
        }
        if (code == 401 || code == 403) {
            return "the API server refused the operator: does its ServiceAccount have the chart's RBAC?";
        }
        if (unreachable) {
            return "the API server is unreachable";
        }
        return "start-up failed";
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        return message.strip().lines().findFirst().orElse("").replaceAll("\\s+", " ");
    }
}
