package dev.switchboard.gateway.support;

import dev.switchboard.testing.TestRedis;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gateway replica in a JVM of its own, started with this test's classpath, so that it can be killed
 * with SIGKILL like a crashed pod.
 */
public final class GatewayProcess implements AutoCloseable {
    /** How much of a replica's output a failed start quotes. */
    private static final int TAIL_LINES = 40;
    /** Starts of a replica whose picked port was taken meanwhile, before giving up. */
    private static final int PORT_ATTEMPTS = 3;
    /** One readiness probe's bound, well inside the start's. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final Path log;
    private final int port;
    private final int adminPort;
    private final String replicaId;

    private GatewayProcess(Process process, Path log, int port, int adminPort, String replicaId) {
        this.process = process;
        this.log = log;
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
        return start(replicaId, env, log, OptionalInt.empty());
    }

    /**
     * @param replicaId   replica name
     * @param env         extra environment (REDIS_URL, ...)
     * @param log         file for the replica's output
     * @param openFiles   the process's descriptor limit ({@code ulimit -n}), if it is to be lowered
     * @return a started replica, ready to serve
     */
    public static GatewayProcess start(String replicaId, Map<String, String> env, Path log, OptionalInt openFiles) {
        // a port picked free can be taken before the replica binds it (outgoing connections draw from the same
        // range): the replica exits saying so, and is started again on new ports
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(replicaId, env, log, openFiles);
            } catch (IllegalStateException e) {
                boolean portsPicked = !env.containsKey("PORT") && !env.containsKey("ADMIN_PORT");
                if (attempt == PORT_ATTEMPTS || !portsPicked || !e.getMessage().contains("cannot listen on")) {
                    throw e;
                }
            }
        }
    }

    private static GatewayProcess startOnce(
            String replicaId, Map<String, String> env, Path log, OptionalInt openFiles) {
        // ports the caller names are kept (a test of a port already taken), others are picked free
        int port = env.containsKey("PORT") ? Integer.parseInt(env.get("PORT")) : TestRedis.freePort();
        int adminPort = env.containsKey("ADMIN_PORT") ? Integer.parseInt(env.get("ADMIN_PORT")) : TestRedis.freePort();
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
            GatewayProcess gateway = new GatewayProcess(builder.start(), log, port, adminPort, replicaId);
            // generous: on a loaded CI machine a JVM with Helidon, Lettuce and OTel can take half a minute to start
            gateway.awaitReady(Duration.ofSeconds(90));
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a gateway process", e);
        }
    }

    /**
     * Waits until the replica answers ready, at most {@code timeout}; a replica that exits first ends the wait at
     * once, and either failure names the exit code or the bound and quotes the end of the replica's output.
     */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway " + replicaId + " exited with code " + process.exitValue()
                        + " before it was ready; " + tail());
            }
            try {
                if (Http.getBounded(admin("/health/ready"), 64 * 1024, PROBE_TIMEOUT)
                                .status()
                        == 200) {
                    return;
                }
            } catch (IllegalStateException | AssertionError e) {
                // not listening yet, or too slow to answer: ask again
            }
            try {
                // wakes at once when the process exits
                process.onExit().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while gateway " + replicaId + " started", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(
                "gateway " + replicaId + " not ready within " + timeout + " (killed); " + tail());
    }

    /** @return everything the replica wrote to its output so far */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the last lines of the replica's output, for a failure message */
    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "last " + Math.min(TAIL_LINES, lines.size()) + " lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "its output (" + log + ") cannot be read: " + e;
        }
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
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway " + replicaId + " did not stop within 15 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
