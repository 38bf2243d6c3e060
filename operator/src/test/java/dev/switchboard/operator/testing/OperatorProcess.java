package dev.switchboard.operator.testing;

import dev.switchboard.operator.OperatorMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@link OperatorMain} in its own JVM, configured as a pod would be, reading no kubeconfig of this machine. */
public final class OperatorProcess {
    private OperatorProcess() {}

    /**
     * @param apiServer the API server's URL
     * @param env       further environment (OPERATOR_PORT, SWEEP_INTERVAL, ...)
     * @param stderr    where the process's standard error goes (never the test JVM's: surefire's channel)
     * @return the started process
     */
    public static Process start(String apiServer, Map<String, String> env, Path stderr) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OperatorMain.class.getName());
        Map<String, String> environment = builder.environment();
        environment
                .keySet()
                .removeIf(k -> k.startsWith("KUBERNETES_")
                        || k.equals("KUBECONFIG")
                        || k.equals("WATCH_NAMESPACES")
                        || k.equals("POD_NAMESPACE"));
        environment.put("KUBERNETES_MASTER", apiServer);
        environment.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        environment.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        // the test API servers' certificates are self-signed
        environment.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        environment.putAll(env);
        builder.redirectError(stderr.toFile());
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }
}
