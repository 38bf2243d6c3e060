package dev.switchboard.gateway.support;

import dev.switchboard.testing.TestRedis;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A gateway replica in a JVM of its own, started with this test's classpath, so that it can be killed
 * with SIGKILL like a crashed pod.
 */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final int adminPort;
    private final String replicaId;

    private GatewayProcess(Process process, int port, int adminPort, String replicaId) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
        this.replicaId = replicaId;
    }

    /**
     * @param replicaId replica name
     * @param env       extra environment (REDIS_URL, ...)
     * @param log       file for the replica's output
     * @return a started replica, ready to serve
     */
    public static GatewayProcess start(String replicaId, Map<String, String> env, Path log) {
        return start(replicaId, env, log, java.util.OptionalInt.empty());
    }

    /**
     * @param replicaId   replica name
     * @param env         extra environment (REDIS_URL, ...)
     * @param log         file for the replica's output
     * @param openFiles   the process's descriptor limit ({@code ulimit -n}), if it is to be lowered
     * @return a started replica, ready to serve
     */
    public static GatewayProcess start(
            String replicaId, Map<String, String> env, Path log, java.util.OptionalInt openFiles) {
        int port = TestRedis.freePort();
        int adminPort = TestRedis.freePort();
        List<String> command = new ArrayList<>();
        openFiles.ifPresent(
                limit -> command.addAll(List.of("bash", "-c", "ulimit -n " + limit + " && exec \"$0\" \"$@\"")));
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.switchboard.gateway.Main"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS") || k.equals("ADMIN_TOKEN"));
        builder.environment().putAll(env);
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("ADMIN_PORT", String.valueOf(adminPort));
        builder.environment().put("REPLICA_ID", replicaId);
        builder.environment().putIfAbsent("FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8");
        builder.directory(new File(System.getProperty("java.io.tmpdir")));
        try {
            GatewayProcess gateway = new GatewayProcess(builder.start(), port, adminPort, replicaId);
            // generous: on a loaded CI machine a JVM with Helidon, Lettuce and OTel can take half a minute to start
            gateway.awaitReady(Duration.ofSeconds(90));
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a gateway process", e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway " + replicaId + " exited with " + process.exitValue());
            }
            try {
                if (Http.get(admin("/health/ready")).status() == 200) {
                    return;
                }
            } catch (IllegalStateException e) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IllegalStateException("gateway " + replicaId + " not ready within " + timeout);
    }

    /** @return public URL of a path */
    public String pub(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** @return admin URL of a path */
    public String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    /** @return the public port */
    public int port() {
        return port;
    }

    /** @return the admin port */
    public int adminPort() {
        return adminPort;
    }

    /** @return the replica id */
    public String replicaId() {
        return replicaId;
    }

    /** Kills the replica at once (SIGKILL): no drain, no cleanup, like a crashed pod. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the replica as Kubernetes does (SIGTERM), waiting up to 15 s for it to drain and exit. */
    public void terminate() {
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway " + replicaId + " did not stop within 15 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
