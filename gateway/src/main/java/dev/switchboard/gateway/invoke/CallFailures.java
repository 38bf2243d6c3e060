package dev.switchboard.gateway.invoke;

import dev.switchboard.registry.EgressRules;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Says why a call to a function failed, without leaking the function's internals or a stack trace. */
public final class CallFailures {
    private CallFailures() {}

    /**
     * @param failure what the HTTP client threw
     * @return a short reason for the caller
     */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null
                && root.getCause() != root
                && !(root instanceof ConnectException
                        || root instanceof UnknownHostException
                        || root instanceof EgressRules.EgressRefusedException)) {
            root = root.getCause();
        }
        if (root instanceof EgressRules.EgressRefusedException) {
            return "function call refused: " + root.getMessage();
        }
        if (root instanceof ConnectException) {
            return "function unreachable: connection refused";
        }
        if (root instanceof UnknownHostException) {
            return "function unreachable: unknown host";
        }
        if (root instanceof SocketTimeoutException) {
            return "function read timed out";
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return "function call failed: " + message;
    }
}
