package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A real local Redis Cluster of three masters, made the way an operator would: three {@code redis-server
 * --cluster-enabled yes} processes joined by {@code redis-cli --cluster create}. Needs both binaries on
 * {@code PATH}; {@link #shared()} is empty without them, so tests can skip rather than fail on a machine
 * that lacks them. Nothing is kept on disk beyond a temporary directory removed at exit.
 */
public final class TestRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static Optional<TestRedisCluster> shared;

    private final List<Integer> ports;
    private final List<Process> processes;
    private final Path dir;

    private TestRedisCluster(List<Integer> ports, List<Process> processes, Path dir) {
        this.ports = ports;
        this.processes = processes;
        this.dir = dir;
    }

    /**
     * The cluster shared by all tests of this JVM, started on first use and stopped at exit.
     *
     * @return the cluster, or empty when {@code redis-server} or {@code redis-cli} is not on PATH
     */
    public static synchronized Optional<TestRedisCluster> shared() {
        if (shared == null) {
            Optional<Path> server = TestRedis.onPath("redis-server");
            Optional<Path> cli = TestRedis.onPath("redis-cli");
            if (server.isEmpty() || cli.isEmpty()) {
                shared = Optional.empty();
            } else {
                TestRedisCluster cluster = start(server.get(), cli.get());
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "test-redis-cluster-stop"));
                shared = Optional.of(cluster);
            }
        }
        return shared;
    }

    private static TestRedisCluster start(Path server, Path cli) {
        List<Integer> ports = clusterPorts();
        List<Process> processes = new ArrayList<>();
        Path dir;
        try {
            dir = Files.createTempDirectory("switchboard-cluster");
            for (int port : ports) {
                processes.add(new ProcessBuilder(
                                server.toString(),
                                "--port",
                                String.valueOf(port),
                                "--bind",
                                "127.0.0.1",
                                "--cluster-enabled",
                                "yes",
                                "--cluster-config-file",
                                "nodes-" + port + ".conf",
                                "--cluster-node-timeout",
                                "2000",
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--protected-mode",
                                "no",
                                "--daemonize",
                                "no",
                                "--loglevel",
                                "warning")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                        .start());
            }
        } catch (IOException e) {
            processes.forEach(Process::destroyForcibly);
            throw new IllegalStateException("cannot start Redis Cluster nodes: " + e.getMessage(), e);
        }
        TestRedisCluster cluster = new TestRedisCluster(ports, processes, dir);
        try {
            for (int port : ports) {
                cluster.awaitReply(port, "PING", "+PONG");
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process creator = new ProcessBuilder(create)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("create.log").toFile())
                    .start();
            if (!creator.waitFor(START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    || creator.exitValue() != 0) {
                creator.destroyForcibly();
                throw new IllegalStateException(
                        "redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.log")));
            }
            for (int port : ports) {
                cluster.awaitReply(port, "CLUSTER INFO", "cluster_state:ok");
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw new IllegalStateException("cannot form a Redis Cluster: " + e.getMessage(), e);
        }
    }

    /** Ports whose cluster bus ports (port + 10000) are free too. */
    private static List<Integer> clusterPorts() {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < MASTERS) {
            int port = ThreadLocalRandom.current().nextInt(20000, 30000);
            if (!ports.contains(port) && isFree(port) && isFree(port + 10000)) {
                ports.add(port);
            }
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return a {@code redis-cluster://} URL naming every master as a seed */
    public String url() {
        return "redis-cluster://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return the masters' ports */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Deletes every key on every master. */
    public void flush() {
        for (int port : ports) {
            String reply = command(port, "FLUSHALL");
            if (!reply.startsWith("+OK")) {
                throw new IllegalStateException("FLUSHALL on " + port + " answered " + reply);
            }
        }
    }

    /**
     * @param port one master's port
     * @param line an inline command
     * @return the raw reply (a bulk reply's payload included)
     */
    public String command(int port, String line) {
        return RawRedis.send(port, line);
    }

    /**
     * Sends a one-key command to each master until the one owning the key's slot answers.
     *
     * @param line an inline command whose reply is an integer
     * @return the integer
     */
    public long integer(String line) {
        for (int port : ports) {
            String reply = command(port, line);
            if (reply.startsWith(":")) {
                return Long.parseLong(reply.substring(1).trim());
            }
        }
        throw new IllegalStateException("no master answered " + line + " with an integer");
    }

    private void awaitReply(int port, String command, String expected) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (command(port, command).contains(expected)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Redis Cluster node " + port + " did not answer " + command + " with "
                + expected + " within " + START_TIMEOUT);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
